// Runs in the CLI: the shared `--region --profile --endpoint` options of `executions` and `history --arn`, and the one place a command gets a Lambda client and turns an AwsError into its message.
import type { AwsError } from '../aws/errors';
import type { DurableLambdaClient } from '../aws/lambdaClient';
import { UsageError } from './checkCommand';
import type { CliIo } from './io';

export interface AwsCliOptions {
  region?: string;
  profile?: string;
  endpoint?: string;
}

export const AWS_OPTION_NAMES = ['--region', '--profile', '--endpoint'] as const;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const PROFILE = /^[A-Za-z0-9_.+@=,:/-]{1,128}$/;

/** True when `arg` is one of the AWS options (`--region R` or `--region=R`). */
export function isAwsOption(arg: string): boolean {
  return AWS_OPTION_NAMES.some((n) => arg === n || arg.startsWith(`${n}=`));
}

/**
 * Takes the AWS options out of `args`; returns them and the other arguments in order.
 * Throws UsageError for a missing value, a repeated option or a malformed region or endpoint.
 */
export function parseAwsOptions(args: readonly string[]): { aws: AwsCliOptions; rest: string[] } {
  const aws: AwsCliOptions = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    const name = AWS_OPTION_NAMES.find((n) => a === n || a.startsWith(`${n}=`));
    if (!name) {
      rest.push(a);
      continue;
    }
    let value: string | undefined;
    if (a.length > name.length) value = a.slice(name.length + 1);
    else {
      value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
      i++;
    }
    const key = name.slice(2) as keyof AwsCliOptions;
    if (aws[key] !== undefined) throw new UsageError(`${name} given twice`);
    aws[key] = validate(name, value);
  }
  return { aws, rest };
}

function validate(name: string, value: string): string {
  const v = value.trim();
  if (v === '') throw new UsageError(`${name} needs a value`);
  if (name === '--region' && !REGION.test(v)) throw new UsageError(`--region: "${printable(v)}" is not a region name (e.g. us-east-1)`);
  if (name === '--profile' && !PROFILE.test(v)) throw new UsageError(`--profile: "${printable(v)}" is not a profile name`);
  if (name === '--endpoint') return normalizeEndpoint(v);
  return v;
}

/** An http(s) URL without credentials in it; a bare host:port gets http://. */
export function normalizeEndpoint(value: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`--endpoint: "${printable(value)}" is not a URL (e.g. http://127.0.0.1:3001)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint: only http and https URLs are supported, not ${url.protocol}`);
  // A user:password in the URL would end up in messages and logs.
  if (url.username || url.password) throw new UsageError('--endpoint: the URL must not contain a user name or password');
  return url.href.replace(/\/$/, '');
}

/** Terminal-safe echo of a user's argument. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return t.length > 80 ? `${t.slice(0, 80)}…` : t;
}

/** The client for these options; the AWS SDK is loaded here, on first use, not when the CLI starts. */
export function lambdaClientFor(options: AwsCliOptions, warnings: string[] = []): DurableLambdaClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  // The SDK warns on stderr about node < 22 once per process; the contract allows one message on stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { DurableLambdaClient: Client } = require('../aws/lambdaClient') as typeof import('../aws/lambdaClient');
  // The credential chain's warnings would be a second stderr message: kept for --verbose (reportAwsFailure).
  const keep = (...content: unknown[]) => void warnings.push(content.map(String).join(' ').trim());
  return new Client({
    region: options.region,
    profile: options.profile,
    endpoint: options.endpoint,
    logger: { debug: () => undefined, info: () => undefined, warn: keep, error: keep },
  });
}

/** True for the typed errors of src/aws (without loading the SDK). */
export function isAwsFailure(e: unknown): e is AwsError {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AwsError: Err } = require('../aws/errors') as typeof import('../aws/errors');
  return e instanceof Err;
}

/** Prints an AwsError as the one stderr message of the contract (`--verbose` adds the detail); returns exit code 2. */
export function reportAwsFailure(command: string, e: AwsError, io: CliIo, verbose = false, warnings: readonly string[] = []): number {
  let text = `durable-lens ${command}: ${e.message}\n`;
  if (verbose) {
    const bits = [e.code && `code ${e.code}`, e.httpStatus && `HTTP ${e.httpStatus}`, e.requestId && `request id ${e.requestId}`, e.detail].filter(Boolean);
    if (bits.length) text += `  (${bits.join('; ')})\n`;
    for (const w of warnings) text += `  warning: ${w.replace(/\s+/g, ' ')}\n`;
  }
  io.err(text);
  return 2;
}
