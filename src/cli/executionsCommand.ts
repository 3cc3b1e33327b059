// Runs in the CLI: the `executions` command (see the contract in DESIGN.md). Placeholder until it is built.
import type { CliIo } from './io';

export async function runExecutionsCommand(_args: readonly string[], io: CliIo): Promise<number> {
  io.err('durable-lens executions: not available yet in this version\n');
  return 2;
}
