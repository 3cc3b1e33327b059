// Runs wherever src/aws runs (extension host, CLI): the ONE mapping from AWS SDK, credential and network failures to a typed AwsError with one clear message.
// Imports nothing heavy on purpose: views may `instanceof AwsError` without loading the SDK.

export type AwsErrorReason =
  | 'accessDenied'
  | 'credentialsExpired'
  | 'credentialsMissing'
  | 'notFound'
  | 'network'
  | 'markerExpired'
  | 'callbackClosed'
  | 'throttled'
  | 'invalidInput'
  | 'cancelled'
  /** The endpoint does not serve this API at all (e.g. `sam local start-lambda` has no list). */
  | 'unsupported'
  | 'unknown';

export interface AwsErrorContext {
  /** The Lambda API operation, e.g. `ListDurableExecutionsByFunction` (also its IAM action name). */
  operation: string;
  /** The function name/ARN, execution ARN or callback id the call was about. */
  resource?: string;
  /** A custom endpoint (emulator), when one is in use. */
  endpoint?: string;
  /** The credentials profile in use, when known. */
  profile?: string;
  /** True when the failing request carried a paging marker from an earlier page. */
  markerSent?: boolean;
  /** What the config files say the profile is (`missing` when they do not have it), for credential hints. */
  profileKind?: string;
}

export class AwsError extends Error {
  override readonly name = 'AwsError';
  readonly reason: AwsErrorReason;
  /** What to do about it, e.g. the exact `aws sso login --profile dev`. Already part of `message`. */
  readonly action?: string;
  readonly operation?: string;
  readonly resource?: string;
  readonly endpoint?: string;
  /** The service's error code (`x-amzn-errortype`) or the Node error code, for the log. */
  readonly code?: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
  /** Diagnostic detail for `--verbose` and the Output channel; never credentials or payloads. */
  readonly detail?: string;

  constructor(
    reason: AwsErrorReason,
    message: string,
    extra: {
      action?: string;
      operation?: string;
      resource?: string;
      endpoint?: string;
      code?: string;
      httpStatus?: number;
      requestId?: string;
      detail?: string;
    } = {}
  ) {
    super(message);
    this.reason = reason;
    this.action = extra.action;
    this.operation = extra.operation;
    this.resource = extra.resource;
    this.endpoint = extra.endpoint;
    this.code = extra.code;
    this.httpStatus = extra.httpStatus;
    this.requestId = extra.requestId;
    this.detail = extra.detail;
  }
}

export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'EPROTO',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'KMSAccessDeniedException',
  'EC2AccessDeniedException',
  'UnauthorizedOperation',
]);
const EXPIRED_TOKEN = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'RequestExpired',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
]);
const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'RequestLimitExceeded', 'EC2ThrottledException']);
const INVALID = new Set([
  'InvalidParameterValueException',
  'ValidationException',
  'InvalidRequestContentException',
  'SerializationException',
  'RequestTooLargeException',
  'UnsupportedMediaTypeException',
]);
// `sam local start-lambda` answers unknown paths and methods with these types.
const UNSUPPORTED = new Set(['PathNotFoundLocally', 'MethodNotAllowedLocally', 'UnknownOperationException', 'NotImplemented']);

const PAYLOAD_OPERATIONS = new Set(['SendDurableExecutionCallbackSuccess', 'SendDurableExecutionCallbackFailure', 'Invoke']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
  $response?: { headers?: Record<string, unknown> };
  cause?: unknown;
  errors?: unknown;
}

/** Keys, secrets and session tokens that a message could echo: never shown, never logged. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g, '[redacted key id]')
    .replace(/(aws_secret_access_key|aws_session_token|secretAccessKey|sessionToken|accessToken|X-Amz-Security-Token|Signature|Credential)(["']?\s*[=:]\s*["']?)[^\s"',&]+/gi, '$1$2[redacted]');
}

/** One line of service text, without control characters, secrets or runaway length. */
function clean(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const one = redactSecrets(text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim());
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function errorType(e: ErrorLike): string | undefined {
  const headers = e.$response?.headers;
  const header = headers ? str(headers['x-amzn-errortype']) : undefined;
  // The header is "Type:namespace" on some services; the name is what the SDK parsed.
  const fromHeader = header?.split(':')[0];
  const name = str(e.name);
  if (name && name !== 'Error' && name !== 'UnknownError' && !name.startsWith('LambdaServiceException')) return name;
  return fromHeader ?? name;
}

function nodeCode(e: unknown, depth = 0): string | undefined {
  if (!e || typeof e !== 'object' || depth > 4) return undefined;
  const o = e as ErrorLike;
  const code = str(o.code);
  if (code && NETWORK_CODES.has(code)) return code;
  // AggregateError (happy-eyeballs) and wrapped causes carry the real code inside.
  if (Array.isArray(o.errors)) {
    for (const inner of o.errors) {
      const c = nodeCode(inner, depth + 1);
      if (c) return c;
    }
  }
  return nodeCode(o.cause, depth + 1);
}

function iamAction(operation: string): string {
  return operation.includes(':') ? operation : `lambda:${operation}`;
}

function endpointText(ctx: AwsErrorContext): string {
  return ctx.endpoint ?? 'the AWS Lambda endpoint of the region';
}

function profileText(ctx: AwsErrorContext): string {
  return ctx.profile ?? 'default';
}

function loginCommand(ctx: AwsErrorContext): string {
  return ctx.profile ? `aws sso login --profile ${ctx.profile}` : 'aws sso login';
}

/**
 * Maps anything an SDK call can throw to one AwsError with a message that says what went wrong and what to
 * do. Idempotent: an AwsError passes through unchanged. Never copies credentials or payloads.
 */
export function toAwsError(err: unknown, context: AwsErrorContext): AwsError {
  if (err instanceof AwsError) return err;
  const e: ErrorLike = err && typeof err === 'object' ? (err as ErrorLike) : { message: String(err) };
  const type = errorType(e);
  const rawMessage = str(e.message) ?? '';
  // A rejection of a call that carried a payload may quote it: that text is neither shown nor kept.
  const message = PAYLOAD_OPERATIONS.has(context.operation) && !(type && (ACCESS_DENIED.has(type) || EXPIRED_TOKEN.has(type))) ? '' : clean(rawMessage);
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const requestId = str(e.$metadata?.requestId);
  const op = context.operation;
  const what = context.resource ? `${op} on ${context.resource}` : op;
  const base = {
    operation: op,
    resource: context.resource,
    endpoint: context.endpoint,
    code: type,
    httpStatus: status,
    requestId,
    detail: message ? `${type ?? 'Error'}: ${message}` : type,
  };
  const callback = context.resource ? `The callback ${context.resource}` : 'The callback';
  const make = (reason: AwsErrorReason, text: string, action?: string): AwsError =>
    new AwsError(reason, action ? `${text} ${/[.!?]$/.test(action) ? action : `${action}.`}` : text, { ...base, action });

  // Cancellation first: an aborted request may also look like a socket error.
  if (type === 'AbortError' || str(e.code) === 'ABORT_ERR' || (/\baborted\b/i.test(rawMessage) && type !== 'TimeoutError' && !status)) {
    return new AwsError('cancelled', `${op} was cancelled.`, base);
  }

  // Credentials that could not be obtained at all (the SDK's provider chain), before any request.
  if (type === 'CredentialsProviderError' || type === 'TokenProviderError' || type === 'ProviderError') {
    const sso = /\bsso\b/i.test(rawMessage);
    const expired = /expired|refresh/i.test(rawMessage);
    if (sso && (expired || /token/i.test(rawMessage))) {
      const cmd = loginCommand(context);
      return make('credentialsExpired', `The SSO session of profile "${profileText(context)}" has expired or was never started.`, `Run \`${cmd}\` and try again.`);
    }
    if (/credential_process|credential process/i.test(rawMessage) && !/could not load credentials from any providers/i.test(rawMessage)) {
      return make('credentialsMissing', `The credential process of profile "${profileText(context)}" failed: ${message}`, 'Check the `credential_process` command in ~/.aws/config');
    }
    if (context.profile && /profile/i.test(rawMessage) && /not found|could not resolve|does not exist/i.test(rawMessage)) {
      return make('credentialsMissing', `Profile "${context.profile}" was not found in ~/.aws/config or ~/.aws/credentials.`, 'Pick another profile or add it with `aws configure --profile ' + context.profile + '`');
    }
    if (context.profile && context.profileKind === 'missing') {
      return make('credentialsMissing', `Profile "${context.profile}" is not in ~/.aws/config or ~/.aws/credentials.`, `Pick another profile or run \`aws configure --profile ${context.profile}\``);
    }
    if (context.profile && context.profileKind === 'process') {
      return make('credentialsMissing', `The \`credential_process\` of profile "${context.profile}" gave no credentials.`, 'Run that command yourself to see why, or pick another profile');
    }
    return make(
      'credentialsMissing',
      context.profile ? `No AWS credentials could be loaded for profile "${context.profile}".` : 'No AWS credentials were found (environment, ~/.aws/config, ~/.aws/credentials, SSO).',
      context.profile
        ? `Run \`aws configure --profile ${context.profile}\` or \`${loginCommand(context)}\``
        : 'Run `aws configure` or `aws sso login --profile NAME`, or pick a profile'
    );
  }

  if (type && ACCESS_DENIED.has(type)) {
    return make(
      'accessDenied',
      `Access denied: ${iamAction(op)}${context.resource ? ` on ${context.resource}` : ''}${message ? ` (${message})` : ''}.`,
      `Ask for \`${iamAction(op)}\` permission${context.resource ? ' on this resource' : ''} for ${context.profile ? `profile "${context.profile}"` : 'these credentials'}, or use another profile`
    );
  }
  if (type && EXPIRED_TOKEN.has(type)) {
    const fix = context.profile
      ? `Run \`${loginCommand(context)}\` (SSO) or refresh the keys of profile "${context.profile}"`
      : 'Refresh your credentials (for SSO: `aws sso login --profile NAME`)';
    return make('credentialsExpired', `The AWS credentials were rejected (expired or invalid) calling ${op}.`, fix);
  }
  if (type && THROTTLED.has(type)) {
    return make('throttled', `Lambda throttled ${op} and retries ran out.`, 'Wait a moment and try again');
  }
  if (type === 'CallbackTimeoutException') {
    return make('callbackClosed', `${callback} is closed: it already completed or timed out.`, 'Reload the execution to see its current state');
  }
  if (type === 'ResourceNotFoundException' || type === 'ResourceNotFound' || (status === 404 && !type)) {
    if (op.startsWith('SendDurableExecutionCallback')) {
      return make('notFound', `${callback} was not found: it may already have completed or timed out, or the id is wrong.`, 'Reload the execution to see its current state');
    }
    // The service's text repeats the resource; it stays in `detail`.
    return make('notFound', context.resource ? `Not found: ${context.resource} (${op}).` : `Not found (${op}${message ? `: ${message}` : ''}).`, 'Check the name or ARN, the region and the profile');
  }
  if (type && UNSUPPORTED.has(type)) {
    return make(
      'unsupported',
      `The endpoint ${endpointText(context)} does not serve ${op}.`,
      op === 'ListDurableExecutionsByFunction' || op === 'ListFunctions'
        ? `It has no list API (like \`sam local start-lambda\`): open an execution by its ARN instead, e.g. \`durable-lens history --arn ARN --endpoint ${context.endpoint ?? 'URL'}\``
        : 'Use an endpoint that implements the Lambda durable execution API'
    );
  }
  if (type && INVALID.has(type)) {
    const markerProblem = /marker|pagination|next ?token|continuation/i.test(rawMessage);
    if (markerProblem || (context.markerSent && type === 'InvalidParameterValueException' && /expired|invalid/i.test(rawMessage))) {
      return make('markerExpired', `The paging position of ${what} has expired.`, 'Reload the list from the start');
    }
    if (op.startsWith('SendDurableExecutionCallback') && /already|closed|completed|timed out/i.test(rawMessage)) {
      return make('callbackClosed', `${callback} is closed: it already completed or timed out.`, 'Reload the execution to see its current state');
    }
    return make('invalidInput', `Lambda rejected ${what}: ${message || type}.`);
  }
  // Something answered, but not the Lambda API (a web server, a proxy page, the wrong port): its body is not shown.
  // `network`, not `unsupported`: the fix is the endpoint setting, not opening by ARN.
  if (type === 'SyntaxError' || /Deserialization error|is not valid JSON/.test(rawMessage)) {
    const httpStatus = status ?? (typeof (e.$response as { statusCode?: unknown } | undefined)?.statusCode === 'number' ? (e.$response as { statusCode: number }).statusCode : undefined);
    return new AwsError(
      'network',
      `${context.endpoint ? `The endpoint ${context.endpoint}` : 'The AWS Lambda endpoint of the region'} answered ${op} with something that is not the Lambda API (${httpStatus ? `HTTP ${httpStatus}, ` : ''}not JSON). Check that the endpoint is a Lambda API (e.g. \`sam local start-lambda\`) and its port.`,
      { ...base, detail: type ?? 'SyntaxError', httpStatus, action: 'Check that the endpoint is a Lambda API (e.g. `sam local start-lambda`) and its port.' }
    );
  }
  if (type === 'TimeoutError' || (/timed? ?out|timeout/i.test(rawMessage) && !status)) {
    return make('network', `No answer from ${endpointText(context)} in time (${op}).`, 'Check the endpoint and your network, then try again');
  }
  const code = nodeCode(err);
  if (code || /socket hang up|getaddrinfo|connect ECONNREFUSED|network|fetch failed/i.test(rawMessage)) {
    // Getting credentials (STS for a role, the SSO portal) can fail on another host than the Lambda endpoint.
    const host = /(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH)\s+([A-Za-z0-9.-]+[A-Za-z0-9])/.exec(rawMessage)?.[1];
    const other = host && !/^\d+\.\d+\.\d+\.\d+$/.test(host) && !(context.endpoint ?? '').includes(host) ? host : undefined;
    const why =
      code === 'ECONNREFUSED'
        ? 'nothing is listening there'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'the host name does not resolve'
          : code === 'ECONNRESET' || /socket hang up/i.test(rawMessage)
            ? 'the connection was closed before an answer'
            : code ?? 'network failure';
    if (other) {
      return new AwsError('network', `Cannot reach ${other} (${why}) while calling ${op}${/\b(sts|sso|oidc|portal\.sso)\b/.test(other) ? ` to get credentials${context.profile ? ` for profile "${context.profile}"` : ''}` : ''}. Check your network, then try again.`, {
        ...base,
        code: code ?? type,
        action: 'Check your network, then try again.',
      });
    }
    return new AwsError('network', `Cannot reach ${endpointText(context)} (${why}) calling ${op}. Check the endpoint setting, that the emulator or network is up, then try again.`, {
      ...base,
      code: code ?? type,
      action: 'Check the endpoint setting, that the emulator or network is up, then try again.',
    });
  }
  if (/region is missing|region not accepted|region.*not.*(set|configured|resolve)/i.test(rawMessage)) {
    return make('invalidInput', 'No AWS region is set.', 'Pass --region, set AWS_REGION, or add `region` to the profile in ~/.aws/config');
  }
  if (type === 'ServiceException' || (status !== undefined && status >= 500)) {
    return make('unknown', `Lambda failed ${what} (service error${status ? ` ${status}` : ''}${message ? `: ${message}` : ''}).`, 'Try again later');
  }
  return new AwsError('unknown', `${what} failed: ${(message || type || 'unknown error').replace(/[.\s]+$/, '')}.`, base);
}
