// Unit tier (node): toAwsError over the SDK's own exception classes and Node's network errors (what the server tests cannot provoke), redaction, and execution ARN parsing / console URLs.
import * as assert from 'assert';
import {
  CallbackTimeoutException,
  InvalidParameterValueException,
  LambdaServiceException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { CredentialsProviderError } from '@smithy/core/config';
import { AwsError, redactSecrets, toAwsError } from '../../../src/aws/errors';
import { consoleUrl, parseExecutionArn } from '../../../src/aws/lambdaClient';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode, requestId: 'req-1' } });
const ARN = 'arn:aws:lambda:eu-central-1:123456789012:function:orders:$LATEST/durable-execution/order-7/0f1e2d3c-aaaa-4bbb-8ccc-123456789abc';

describe('toAwsError', () => {
  it('maps the SDK exception classes to reasons with one actionable message', () => {
    const nf = toAwsError(new ResourceNotFoundException({ message: 'Function not found: arn:…', ...meta(404) }), { operation: 'GetDurableExecution', resource: ARN });
    assert.strictEqual(nf.reason, 'notFound');
    assert.strictEqual(nf.httpStatus, 404);
    assert.strictEqual(nf.requestId, 'req-1');
    assert.ok(nf.message.includes(ARN));

    const cb = toAwsError(new CallbackTimeoutException({ message: 'Callback timed out', ...meta(400) }), { operation: 'SendDurableExecutionCallbackSuccess', resource: 'cb-9' });
    assert.strictEqual(cb.reason, 'callbackClosed');
    assert.strictEqual(cb.message, 'The callback cb-9 is closed: it already completed or timed out. Reload the execution to see its current state.');

    const th = toAwsError(new TooManyRequestsException({ message: 'Rate exceeded', ...meta(429) }), { operation: 'ListFunctions' });
    assert.strictEqual(th.reason, 'throttled');

    const marker = toAwsError(new InvalidParameterValueException({ message: 'The pagination marker has expired.', ...meta(400) }), {
      operation: 'GetDurableExecutionHistory',
      resource: ARN,
      markerSent: true,
    });
    assert.strictEqual(marker.reason, 'markerExpired');
    assert.match(marker.message, /Reload the list from the start\.$/);

    const invalid = toAwsError(new InvalidParameterValueException({ message: 'MaxItems must be at most 1000', ...meta(400) }), { operation: 'ListDurableExecutionsByFunction', resource: 'orders' });
    assert.strictEqual(invalid.reason, 'invalidInput');

    const denied = toAwsError(
      new LambdaServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'User: arn:aws:iam::1:user/x is not authorized', ...meta(403) }),
      { operation: 'StopDurableExecution', resource: ARN, profile: 'dev' }
    );
    assert.strictEqual(denied.reason, 'accessDenied');
    assert.ok(denied.message.startsWith(`Access denied: lambda:StopDurableExecution on ${ARN}`));
    assert.match(denied.message, /for profile "dev"/);

    const server = toAwsError(new LambdaServiceException({ name: 'ServiceException', $fault: 'server', message: 'internal', ...meta(500) }), { operation: 'GetDurableExecution' });
    assert.strictEqual(server.reason, 'unknown');
    assert.match(server.message, /service error 500/);
  });

  it('credential provider errors: expired SSO gives the login command, otherwise what to configure', () => {
    const sso = toAwsError(
      new CredentialsProviderError("Value not present for 'clientId' in SSO Token. Cannot refresh. To refresh this SSO session run 'aws sso login' with the corresponding profile."),
      { operation: 'ListFunctions', profile: 'prod-admin' }
    );
    assert.strictEqual(sso.reason, 'credentialsExpired');
    assert.strictEqual(sso.action, 'Run `aws sso login --profile prod-admin` and try again.');
    const none = toAwsError(new CredentialsProviderError('Could not load credentials from any providers'), { operation: 'ListFunctions' });
    assert.strictEqual(none.reason, 'credentialsMissing');
    assert.match(none.message, /aws configure/);
  });

  it('network failures name the endpoint; aborts are "cancelled"; an AwsError passes through', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const n = toAwsError(refused, { operation: 'GetDurableExecution', endpoint: 'http://127.0.0.1:9' });
    assert.strictEqual(n.reason, 'network');
    assert.ok(n.message.startsWith('Cannot reach http://127.0.0.1:9 (nothing is listening there)'));
    const dns = toAwsError(Object.assign(new Error('getaddrinfo ENOTFOUND lambda.xx-east-9.amazonaws.com'), { code: 'ENOTFOUND' }), { operation: 'ListFunctions' });
    assert.strictEqual(dns.reason, 'network');
    assert.match(dns.message, /lambda\.xx-east-9\.amazonaws\.com \(the host name does not resolve\)/);
    const aggregate = Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNRESET' })], ''), {});
    assert.strictEqual(toAwsError(aggregate, { operation: 'ListFunctions', endpoint: 'http://h:1' }).reason, 'network');
    const abort = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    assert.strictEqual(toAwsError(abort, { operation: 'ListFunctions' }).reason, 'cancelled');
    const already = new AwsError('notFound', 'x');
    assert.strictEqual(toAwsError(already, { operation: 'y' }), already);
    assert.strictEqual(toAwsError('a string', { operation: 'y' }).reason, 'unknown');
    assert.strictEqual(toAwsError(undefined, { operation: 'y' }).reason, 'unknown');
  });

  it('never repeats keys, secrets or control characters from a service message', () => {
    const e = toAwsError(
      new LambdaServiceException({
        name: 'ValidationException',
        $fault: 'client',
        message: 'bad AKIAIOSFODNN7EXAMPLE aws_secret_access_key=abc/def+ghi X-Amz-Security-Token=tok\u001b[31m',
        ...meta(400),
      }),
      { operation: 'ListFunctions' }
    );
    assert.ok(!e.message.includes('AKIAIOSFODNN7EXAMPLE') && !e.message.includes('abc/def') && !e.message.includes('tok') && !e.message.includes('\u001b'), e.message);
    assert.strictEqual(redactSecrets('key ASIAXXXXXXXXXXXXXXXX here'), 'key [redacted key id] here');
  });

  it('payload-carrying calls keep the service text out of the message and the detail', () => {
    const e = toAwsError(new InvalidParameterValueException({ message: 'Result {"card":"4111-1111"} is not valid', ...meta(400) }), {
      operation: 'SendDurableExecutionCallbackSuccess',
      resource: 'cb-1',
    });
    assert.strictEqual(e.reason, 'invalidInput');
    assert.ok(!e.message.includes('4111') && !(e.detail ?? '').includes('4111'), `${e.message} | ${e.detail}`);
  });
});

describe('parseExecutionArn and consoleUrl', () => {
  it('splits an AWS execution ARN and builds its console page', () => {
    const p = parseExecutionArn(ARN);
    assert.deepStrictEqual(p, {
      kind: 'aws',
      arn: ARN,
      partition: 'aws',
      region: 'eu-central-1',
      account: '123456789012',
      functionName: 'orders',
      version: '$LATEST',
      functionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:orders:$LATEST',
      name: 'order-7',
      id: '0f1e2d3c-aaaa-4bbb-8ccc-123456789abc',
    });
    assert.strictEqual(
      consoleUrl(ARN),
      'https://eu-central-1.console.aws.amazon.com/lambda/home?region=eu-central-1#/functions/orders/versions/$LATEST/executions/order-7/0f1e2d3c-aaaa-4bbb-8ccc-123456789abc'
    );
    const v3 = 'arn:aws:lambda:us-east-1:123456789012:function:pay:3/durable-execution/n/i';
    assert.strictEqual((parseExecutionArn(v3) as { version?: string }).version, '3');
    assert.match(consoleUrl('arn:aws-cn:lambda:cn-north-1:123456789012:function:f:$LATEST.PUBLISHED/durable-execution/n/i')!, /^https:\/\/cn-north-1\.console\.amazonaws\.cn\/.*\/versions\/\$LATEST\.PUBLISHED\//);
  });

  it('accepts SAM local\'s `<uuid>/<uuid>` (no console page) and rejects anything else', () => {
    const local = 'c4a1b2c3-0000-4000-8000-000000000001/d5e6f7a8-0000-4000-8000-000000000002';
    assert.deepStrictEqual(parseExecutionArn(local), { kind: 'local', arn: local, name: 'c4a1b2c3-0000-4000-8000-000000000001', id: 'd5e6f7a8-0000-4000-8000-000000000002' });
    assert.strictEqual(consoleUrl(local), undefined);
    for (const bad of ['', 'arn:aws:lambda:us-east-1:123456789012:function:f', 'arn:aws:states:us-east-1:123456789012:execution:x:y', 'a/b/c', '<script>/x y']) {
      assert.strictEqual(parseExecutionArn(bad), undefined, bad);
      assert.strictEqual(consoleUrl(bad), undefined);
    }
  });
});
