// Runs in the CLI: the process surroundings a command sees (injected so tests can run commands in-process).
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly cwd: string;
  /** Colour text output: stdout is a TTY and NO_COLOR is not set. */
  readonly color: boolean;
  /** --verbose anywhere on the command line: internal errors and failures with their detail (stacks). */
  readonly verbose?: boolean;
}

/** Colour only on a terminal, and never when NO_COLOR is set to a non-empty value (no-color.org). */
export function colorEnabled(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return !!isTTY && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

export function processIo(): CliIo {
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    cwd: process.cwd(),
    color: colorEnabled(process.stdout.isTTY, process.env),
  };
}
