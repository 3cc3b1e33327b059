// Runs in the CLI: the process surroundings a command sees (injected so tests can run commands in-process).
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly cwd: string;
  /** Colour text output: stdout is a TTY and NO_COLOR is not set. */
  readonly color: boolean;
}

export function processIo(): CliIo {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    cwd: process.cwd(),
    color: !!process.stdout.isTTY && !noColor,
  };
}
