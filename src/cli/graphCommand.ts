// Runs in the CLI: the `graph` command (owned by the workflow work; placeholder until it lands).
export async function runGraphCommand(_args: readonly string[], io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  io.err('durable-lens graph: not available yet\n');
  return 2;
}
