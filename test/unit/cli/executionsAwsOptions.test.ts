// Unit tier (node): the shared --region --profile --endpoint parsing (src/cli/awsOptions.ts) used by `executions` and `history --arn`.
import * as assert from 'assert';
import { UsageError } from '../../../src/cli/checkCommand';
import { isAwsOption, normalizeEndpoint, parseAwsOptions } from '../../../src/cli/awsOptions';

describe('parseAwsOptions', () => {
  it('takes the AWS options out in both spellings and leaves the rest in order', () => {
    const r = parseAwsOptions(['fn', '--region', 'eu-west-1', '--status', 'FAILED', '--profile=dev', '--endpoint', '127.0.0.1:3001', '--max', '3']);
    assert.deepStrictEqual(r.aws, { region: 'eu-west-1', profile: 'dev', endpoint: 'http://127.0.0.1:3001' });
    assert.deepStrictEqual(r.rest, ['fn', '--status', 'FAILED', '--max', '3']);
    assert.deepStrictEqual(parseAwsOptions(['--', '--region', 'x']).rest, ['--', '--region', 'x']);
    assert.ok(isAwsOption('--endpoint=http://x') && isAwsOption('--profile') && !isAwsOption('--regions'));
  });

  it('normalises endpoints and refuses what would leak or not work', () => {
    assert.strictEqual(normalizeEndpoint('http://localhost:4566/'), 'http://localhost:4566');
    assert.strictEqual(normalizeEndpoint('https://lambda.example.test'), 'https://lambda.example.test');
    assert.throws(() => normalizeEndpoint('http://AKID:secret@127.0.0.1:1'), (e: unknown) => e instanceof UsageError && !e.message.includes('secret'));
    assert.throws(() => normalizeEndpoint('file:///etc/passwd'), UsageError);
    assert.throws(() => normalizeEndpoint('http://[bad'), UsageError);
  });

  it('a missing, empty, repeated or malformed value is a UsageError', () => {
    for (const args of [['--region'], ['--region', '--profile', 'x'], ['--profile='], ['--region', 'us-east-1', '--region', 'us-west-2'], ['--region', 'US_EAST'], ['--profile', 'a b'], ['--region', 'eu-west-1\u001b[2J']]) {
      assert.throws(() => parseAwsOptions(args), (e: unknown) => e instanceof UsageError && !/\u001b/.test(e.message), args.join(' '));
    }
  });
});
