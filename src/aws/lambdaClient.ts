// Runs in the extension host (loaded lazily on first use) and the CLI: the thin client over @aws-sdk/client-lambda for durable executions; every failure leaves here as an AwsError.
import {
  GetDurableExecutionCommand,
  LambdaClient,
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand,
  SendDurableExecutionCallbackSuccessCommand,
  StopDurableExecutionCommand,
  paginateGetDurableExecutionHistory,
  paginateListDurableExecutionsByFunction,
  paginateListFunctions,
  type ErrorObject,
  type Event,
  type ExecutionStatus,
  type FunctionConfiguration,
  type GetDurableExecutionResponse,
} from '@aws-sdk/client-lambda';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AwsError, toAwsError } from './errors';
import { listProfiles, profileRegion } from './profiles';

export type { Event as HistoryEvent } from '@aws-sdk/client-lambda';
export type { ExecutionStatus } from '@aws-sdk/client-lambda';

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED'];

export interface DurableLambdaClientOptions {
  /** A profile from ~/.aws/config or credentials; default: AWS_PROFILE, else `default`. */
  profile?: string;
  /** Default: AWS_REGION, else the profile's region. */
  region?: string;
  /** A custom endpoint, e.g. `http://127.0.0.1:3001` for `sam local start-lambda`. */
  endpoint?: string;
  /** Explicit credentials (tests, or a caller with its own chain); default: the SDK's node provider chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Attempts per request including the first (adaptive retry); default 4. */
  maxAttempts?: number;
  /** Per-request socket timeout; default 30 s. */
  requestTimeoutMs?: number;
  /**
   * Where the credential chain's warnings go (e.g. "multiple credential sources"); default console.warn.
   * The CLI keeps them for --verbose so stderr carries one message; the extension sends them to its log.
   */
  logger?: SdkLogger;
}

export interface SdkLogger {
  debug(...content: unknown[]): void;
  info(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  error(...content: unknown[]): void;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface DurableFunctionSummary {
  name: string;
  arn: string;
  runtime?: string;
  handler?: string;
  lastModified?: string;
  version?: string;
  retentionPeriodInDays?: number;
  executionTimeout?: number;
}

export interface ExecutionSummary {
  arn: string;
  name: string;
  functionName: string;
  functionArn?: string;
  status: ExecutionStatus | string;
  startedAt: Date;
  endedAt?: Date;
}

export interface ListExecutionsOptions extends CallOptions {
  statuses?: readonly (ExecutionStatus | string)[];
  startedAfter?: Date;
  startedBefore?: Date;
  /** Exact execution name. */
  name?: string;
  /** Version or alias, e.g. `$LATEST` or `3`. */
  qualifier?: string;
  /** Executions per request (MaxItems, 1-1000); default 100. */
  pageSize?: number;
  /** Resume from a page's `nextMarker` (the views' "load more"). */
  marker?: string;
}

export interface ExecutionPage {
  executions: ExecutionSummary[];
  /** Give this back as `marker` for the next page; absent on the last page. */
  nextMarker?: string;
}

export interface ExecutionDetail extends ExecutionSummary {
  version?: string;
  /** Present only when execution data was included (the default). Untrusted text. */
  input?: string;
  result?: string;
  error?: ErrorObject;
  traceId?: string;
  dataIncluded?: boolean;
}

export interface HistoryOptions extends CallOptions {
  /** Payloads in the events; default true (as on AWS). */
  includeExecutionData?: boolean;
  /** Events per request (MaxItems, at most 1000); default 1000. */
  pageSize?: number;
}

export interface CallbackFailure {
  type?: string;
  message?: string;
  data?: string;
  stackTrace?: string[];
}

export interface ParsedExecutionArn {
  kind: 'aws';
  arn: string;
  partition: string;
  region: string;
  account: string;
  functionName: string;
  /** `$LATEST`, `$LATEST.PUBLISHED`, a version number or an alias; absent when the ARN has no qualifier. */
  version?: string;
  /** The function ARN with its qualifier, as ListDurableExecutionsByFunction accepts it. */
  functionArn: string;
  name: string;
  id: string;
}

export interface ParsedLocalExecutionArn {
  /** `sam local` prints `<uuid>/<uuid>`: not an AWS ARN, but an id its endpoint accepts. */
  kind: 'local';
  arn: string;
  name: string;
  id: string;
}

const AWS_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::([^/:]+))?\/durable-execution\/([^/]+)\/([^/]+)$/;
const LOCAL_ARN = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

/** The parts of a durable execution ARN, or undefined when it is neither an AWS ARN nor a SAM-local id. */
export function parseExecutionArn(arn: string): ParsedExecutionArn | ParsedLocalExecutionArn | undefined {
  const text = arn.trim();
  const m = AWS_ARN.exec(text);
  if (m) {
    const [, partition, region, account, functionName, version, name, id] = m;
    const fnArn = `arn:${partition}:lambda:${region}:${account}:function:${functionName}${version ? `:${version}` : ''}`;
    return { kind: 'aws', arn: text, partition, region, account, functionName, version, functionArn: fnArn, name, id };
  }
  const l = LOCAL_ARN.exec(text);
  if (l) return { kind: 'local', arn: text, name: l[1], id: l[2] };
  return undefined;
}

const CONSOLE_HOST: Record<string, string> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/** The AWS console page of an execution (DURABLE-API.md); undefined for local ids and unknown partitions. */
export function consoleUrl(arn: string): string | undefined {
  const p = parseExecutionArn(arn);
  if (!p || p.kind !== 'aws') return undefined;
  const host = CONSOLE_HOST[p.partition];
  if (!host) return undefined;
  // `$LATEST` stays readable as the console writes it; everything else is encoded.
  const enc = (s: string) => encodeURIComponent(s).replace(/%24/g, '$');
  return (
    `https://${p.region}.${host}/lambda/home?region=${p.region}#/functions/${enc(p.functionName)}` +
    `/versions/${enc(p.version ?? '$LATEST')}/executions/${enc(p.name)}/${enc(p.id)}`
  );
}

function functionNameOf(functionArn: string | undefined, fallback: string): string {
  const m = functionArn ? /:function:([^:/]+)/.exec(functionArn) : null;
  return m ? m[1] : fallback;
}

function toDate(v: unknown): Date | undefined {
  if (v instanceof Date) return isNaN(v.getTime()) ? undefined : v;
  if (typeof v === 'number') return new Date(v * 1000);
  if (typeof v === 'string') {
    const d = new Date(v);
    return isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

export class DurableLambdaClient {
  readonly profile?: string;
  readonly region?: string;
  readonly endpoint?: string;
  private sdk?: LambdaClient;
  private readonly options: DurableLambdaClientOptions;

  constructor(options: DurableLambdaClientOptions = {}) {
    this.options = options;
    this.profile = options.profile;
    this.region = options.region;
    this.endpoint = options.endpoint;
  }

  /** The SDK client, made on first use so that constructing this class costs nothing. */
  get client(): LambdaClient {
    if (!this.sdk) {
      const o = this.options;
      this.sdk = new LambdaClient({
        ...(o.region ? { region: o.region } : o.endpoint ? { region: () => emulatorRegion(o.profile) } : {}),
        ...(o.profile ? { profile: o.profile } : {}),
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
        credentials: o.credentials ?? fromNodeProviderChain({ ...(o.profile ? { profile: o.profile } : {}), ...(o.logger ? { logger: o.logger } : {}) }),
        retryMode: 'adaptive',
        maxAttempts: o.maxAttempts ?? 4,
        // Without throwOnRequestTimeout the handler only logs a warning and keeps waiting.
        requestHandler: {
          requestTimeout: o.requestTimeoutMs ?? 30_000,
          connectionTimeout: Math.min(o.requestTimeoutMs ?? 10_000, 10_000),
          throwOnRequestTimeout: true,
        },
      });
    }
    return this.sdk;
  }

  /** Releases the client's sockets. */
  dispose(): void {
    this.sdk?.destroy();
    this.sdk = undefined;
  }

  /** The profile the credential chain uses (named in messages, e.g. `aws sso login --profile X`); none with explicit credentials. */
  private get effectiveProfile(): string | undefined {
    if (this.options.credentials) return undefined;
    return this.profile ?? (process.env.AWS_PROFILE || undefined);
  }

  private async fail(err: unknown, operation: string, resource?: string, markerSent?: boolean): Promise<AwsError> {
    const profile = this.effectiveProfile;
    const context = { operation, resource, endpoint: this.endpoint, profile, markerSent };
    const first = toAwsError(err, context);
    if (first.reason !== 'credentialsMissing' || !profile) return first;
    // The chain only says "could not load credentials": the config files tell a missing profile from a failing process.
    try {
      const found = (await listProfiles()).find((p) => p.name === profile);
      return toAwsError(err, { ...context, profileKind: found ? found.kind : 'missing' });
    } catch (e) {
      // Unreadable config files: the first message stands; why is in the detail.
      return new AwsError(first.reason, first.message, { ...first, detail: `${first.detail ?? ''}; reading profiles: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  private checkAborted(signal: AbortSignal | undefined, operation: string, resource?: string): void {
    if (signal?.aborted) throw new AwsError('cancelled', `${operation} was cancelled.`, { operation, resource, endpoint: this.endpoint });
  }

  /** Functions of the region that have a durable configuration, over all ListFunctions pages. */
  async *listDurableFunctions(options: CallOptions = {}): AsyncIterable<DurableFunctionSummary> {
    const op = 'ListFunctions';
    let pages = 0;
    try {
      this.checkAborted(options.signal, op);
      for await (const page of paginateListFunctions({ client: this.client, pageSize: 50, stopOnSameToken: true }, {}, { abortSignal: options.signal })) {
        pages++;
        for (const f of page.Functions ?? []) {
          const summary = durableSummary(f);
          if (summary) yield summary;
        }
        this.checkAborted(options.signal, op);
      }
    } catch (e) {
      throw await this.fail(e, op, undefined, pages > 0);
    }
  }

  /** Pages of executions of one function, newest first, as the API returns them. */
  async *listExecutionPages(functionName: string, options: ListExecutionsOptions = {}): AsyncIterable<ExecutionPage> {
    const op = 'ListDurableExecutionsByFunction';
    let markerSent = !!options.marker;
    try {
      this.checkAborted(options.signal, op, functionName);
      const paginator = paginateListDurableExecutionsByFunction(
        { client: this.client, pageSize: Math.max(1, Math.min(options.pageSize ?? 100, 1000)), startingToken: options.marker, stopOnSameToken: true },
        {
          FunctionName: functionName,
          Qualifier: options.qualifier,
          DurableExecutionName: options.name,
          Statuses: options.statuses?.length ? (options.statuses as ExecutionStatus[]) : undefined,
          StartedAfter: options.startedAfter,
          StartedBefore: options.startedBefore,
        },
        { abortSignal: options.signal }
      );
      for await (const page of paginator) {
        markerSent = true;
        const executions: ExecutionSummary[] = [];
        for (const x of page.DurableExecutions ?? []) {
          const startedAt = toDate(x.StartTimestamp);
          if (!x.DurableExecutionArn || !startedAt) continue;
          const item: ExecutionSummary = {
            arn: x.DurableExecutionArn,
            name: x.DurableExecutionName ?? '',
            functionName: functionNameOf(x.FunctionArn, functionName),
            functionArn: x.FunctionArn,
            status: x.Status ?? 'RUNNING',
            startedAt,
          };
          const endedAt = toDate(x.EndTimestamp);
          if (endedAt) item.endedAt = endedAt;
          executions.push(item);
        }
        yield page.NextMarker ? { executions, nextMarker: page.NextMarker } : { executions };
        this.checkAborted(options.signal, op, functionName);
      }
    } catch (e) {
      throw await this.fail(e, op, functionName, markerSent);
    }
  }

  /** Executions of one function, newest first, across pages. */
  async *listExecutions(functionName: string, options: ListExecutionsOptions = {}): AsyncIterable<ExecutionSummary> {
    for await (const page of this.listExecutionPages(functionName, options)) yield* page.executions;
  }

  async getExecution(arn: string, options: CallOptions & { includeExecutionData?: boolean } = {}): Promise<ExecutionDetail> {
    const op = 'GetDurableExecution';
    let r: GetDurableExecutionResponse;
    try {
      this.checkAborted(options.signal, op, arn);
      r = await this.client.send(
        new GetDurableExecutionCommand({ DurableExecutionArn: arn, IncludeExecutionData: options.includeExecutionData ?? true }),
        { abortSignal: options.signal }
      );
    } catch (e) {
      throw await this.fail(e, op, arn);
    }
    const startedAt = toDate(r.StartTimestamp) ?? new Date(0);
    const detail: ExecutionDetail = {
      arn: r.DurableExecutionArn ?? arn,
      name: r.DurableExecutionName ?? '',
      functionName: functionNameOf(r.FunctionArn, parsedFunctionName(arn)),
      functionArn: r.FunctionArn,
      status: r.Status ?? 'RUNNING',
      startedAt,
    };
    const endedAt = toDate(r.EndTimestamp);
    if (endedAt) detail.endedAt = endedAt;
    if (r.Version !== undefined) detail.version = r.Version;
    if (r.InputPayload !== undefined) detail.input = r.InputPayload;
    if (r.Result !== undefined) detail.result = r.Result;
    if (r.Error !== undefined) detail.error = r.Error;
    if (r.TraceHeader?.XAmznTraceId) detail.traceId = r.TraceHeader.XAmznTraceId;
    if (r.ExecutionDataIncluded !== undefined) detail.dataIncluded = r.ExecutionDataIncluded;
    return detail;
  }

  /** The whole history, one array of SDK `Event`s per page (MaxItems 1000), following NextMarker. */
  async *getHistory(arn: string, options: HistoryOptions = {}): AsyncIterable<Event[]> {
    const op = 'GetDurableExecutionHistory';
    let pages = 0;
    try {
      this.checkAborted(options.signal, op, arn);
      const paginator = paginateGetDurableExecutionHistory(
        { client: this.client, pageSize: Math.max(1, Math.min(options.pageSize ?? 1000, 1000)), stopOnSameToken: true },
        { DurableExecutionArn: arn, IncludeExecutionData: options.includeExecutionData ?? true },
        { abortSignal: options.signal }
      );
      for await (const page of paginator) {
        pages++;
        yield page.Events ?? [];
        this.checkAborted(options.signal, op, arn);
      }
    } catch (e) {
      throw await this.fail(e, op, arn, pages > 0);
    }
  }

  /** Stops a running execution; returns when it stopped. */
  async stopExecution(arn: string, error?: CallbackFailure, options: CallOptions = {}): Promise<{ stoppedAt?: Date }> {
    const op = 'StopDurableExecution';
    try {
      this.checkAborted(options.signal, op, arn);
      const r = await this.client.send(new StopDurableExecutionCommand({ DurableExecutionArn: arn, Error: error ? errorObject(error) : undefined }), {
        abortSignal: options.signal,
      });
      const stoppedAt = toDate(r.StopTimestamp);
      return stoppedAt ? { stoppedAt } : {};
    } catch (e) {
      throw await this.fail(e, op, arn);
    }
  }

  /** Completes a callback with a result. `resultJson` is sent as given (the caller checks it is JSON). */
  async sendCallbackSuccess(callbackId: string, resultJson: string, options: CallOptions = {}): Promise<void> {
    const op = 'SendDurableExecutionCallbackSuccess';
    try {
      this.checkAborted(options.signal, op, callbackId);
      await this.client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: resultJson }), { abortSignal: options.signal });
    } catch (e) {
      throw await this.fail(e, op, callbackId);
    }
  }

  async sendCallbackFailure(callbackId: string, failure: CallbackFailure = {}, options: CallOptions = {}): Promise<void> {
    const op = 'SendDurableExecutionCallbackFailure';
    try {
      this.checkAborted(options.signal, op, callbackId);
      await this.client.send(new SendDurableExecutionCallbackFailureCommand({ CallbackId: callbackId, Error: errorObject(failure) }), {
        abortSignal: options.signal,
      });
    } catch (e) {
      throw await this.fail(e, op, callbackId);
    }
  }

  async sendCallbackHeartbeat(callbackId: string, options: CallOptions = {}): Promise<void> {
    const op = 'SendDurableExecutionCallbackHeartbeat';
    try {
      this.checkAborted(options.signal, op, callbackId);
      await this.client.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: callbackId }), { abortSignal: options.signal });
    } catch (e) {
      throw await this.fail(e, op, callbackId);
    }
  }
}

/**
 * With an emulator endpoint the region only names the signing scope, so none configured is not an error there:
 * the usual sources first (env, then the profile), else us-east-1 (what `sam local` and LocalStack assume).
 */
async function emulatorRegion(profile: string | undefined): Promise<string> {
  const fromEnv = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  const { region } = await profileRegion(profile ?? (process.env.AWS_PROFILE || 'default'));
  return region ?? 'us-east-1';
}

function parsedFunctionName(arn: string): string {
  const p = parseExecutionArn(arn);
  return p?.kind === 'aws' ? p.functionName : '';
}

function errorObject(f: CallbackFailure): ErrorObject {
  const o: ErrorObject = {};
  if (f.type !== undefined) o.ErrorType = f.type;
  if (f.message !== undefined) o.ErrorMessage = f.message;
  if (f.data !== undefined) o.ErrorData = f.data;
  if (f.stackTrace !== undefined) o.StackTrace = f.stackTrace;
  return o;
}

function durableSummary(f: FunctionConfiguration): DurableFunctionSummary | undefined {
  if (!f.DurableConfig || !f.FunctionName || !f.FunctionArn) return undefined;
  const s: DurableFunctionSummary = { name: f.FunctionName, arn: f.FunctionArn };
  if (f.Runtime) s.runtime = f.Runtime;
  if (f.Handler) s.handler = f.Handler;
  if (f.LastModified) s.lastModified = f.LastModified;
  if (f.Version) s.version = f.Version;
  if (f.DurableConfig.RetentionPeriodInDays !== undefined) s.retentionPeriodInDays = f.DurableConfig.RetentionPeriodInDays;
  if (f.DurableConfig.ExecutionTimeout !== undefined) s.executionTimeout = f.DurableConfig.ExecutionTimeout;
  return s;
}
