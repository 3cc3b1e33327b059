// Runs in the CLI (dist/cli.js, bin `durable-lens`): parses the command line and dispatches to a command.
// Exit codes: 0 clean, 1 error-severity diagnostics, 2 bad usage or failure.
import { CheckFailure, UsageError, runCheckCommand } from './checkCommand';
import { runExecutionsCommand } from './executionsCommand';
import { runGraphCommand } from './graphCommand';
import { runHistoryCommand } from './historyCommand';
import { processIo, type CliIo } from './io';
import { runRunCommand } from './runCommand';
import { toolInfo } from './toolInfo';

export const USAGE = `Usage: durable-lens <command> [options]

Commands:
  check [paths…] [--project tsconfig.json] [--format text|json|sarif] [--against-history DIR] [--verbose]
        Replay-safety diagnostics for durable handlers. Paths are files or folders
        (folders: .ts .tsx .js .mjs .cjs, node_modules skipped); default: the project's files.
        Exit 0 clean, 1 when any error-severity diagnostic, 2 on bad usage or failure.
  graph FILE [--handler NAME] [--format mermaid|json]
        The workflow inferred from a handler.
  history [--source FILE] [--format text|json|mermaid] (HISTORY.json | --arn ARN [--region R] [--profile P] [--endpoint URL])
        One execution: its operations and events, from a history file or from Lambda.
  executions FUNCTION [--status S]… [--since ISO] [--until ISO] [--name N] [--max N] [--format text|json]
        [--region R] [--profile P] [--endpoint URL]
        Executions of a durable function, newest first.
  run FILE [--handler NAME] [--event JSON | --event-file F] [--out HISTORY.json] [--no-skip-time]
        Run a handler locally with the AWS testing SDK and print or save its history.
        Exit 0 when the execution succeeded, 1 when it failed.

Options:
  --verbose    Internal errors and failures with their detail
  --help       Show this help
  --version    Show the version

Per-rule severities: durable-lens.json (or "durableLens" in package.json), see docs/config.md.
`;

export async function main(argvIn: readonly string[], ioIn: CliIo): Promise<number> {
  // --verbose applies to every command and is taken off before a command parses its own options.
  const verbose = argvIn.includes('--verbose');
  const argv = argvIn.filter((a) => a !== '--verbose');
  const io: CliIo = verbose ? { ...ioIn, out: ioIn.out, err: ioIn.err, verbose: true } : ioIn;
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.err(USAGE);
      return 2;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (command === '--version' || command === '-v') {
      io.out(`${toolInfo().version}\n`);
      return 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(USAGE);
      return 0;
    }
    switch (command) {
      case 'check':
        return await runCheckCommand(rest, io);
      case 'graph':
        return await runGraphCommand(rest, io);
      case 'history':
        return await runHistoryCommand(rest, io);
      case 'executions':
        return await runExecutionsCommand(rest, io);
      case 'run':
        return await runRunCommand(rest, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`durable-lens: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof CheckFailure) {
      io.err(`durable-lens: ${e.message}\n`);
      return 2;
    }
    // One line; the stack only with --verbose (the contract: no stack traces by default).
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const detail = verbose && e instanceof Error && e.stack ? `\n${e.stack}` : ' (run with --verbose for the detail)';
    io.err(`durable-lens: unexpected failure: ${message}${detail}\n`);
    return 2;
  }
}

// Run when executed (dist/cli.js or node out/src/cli/main.js), not when imported by tests.
if (require.main === module) {
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 2;
    }
  );
}
