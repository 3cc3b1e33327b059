// Runs in the CLI: the `history` command (see the contract in DESIGN.md). Placeholder until it is built.
import type { CliIo } from './io';

export async function runHistoryCommand(_args: readonly string[], io: CliIo): Promise<number> {
  io.err('durable-lens history: not available yet in this version\n');
  return 2;
}
