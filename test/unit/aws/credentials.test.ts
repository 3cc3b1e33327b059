// Unit tier (node): profiles read with the SDK's parser, and the SDK's real credential chain (SSO with an expired token, missing credentials, static keys from ~/.aws/credentials) through DurableLambdaClient against the loopback server.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AwsError } from '../../../src/aws/errors';
import { DurableLambdaClient } from '../../../src/aws/lambdaClient';
import { defaultProfileAndRegion, listProfiles } from '../../../src/aws/profiles';
import { setAwsEnv, staticKeysEnv, tempAwsHome, type TempAwsHome } from '../../support/lambdaEnv';
import { startLambdaServer, type LambdaServer } from '../../support/lambdaServer';

async function failure(p: Promise<unknown>): Promise<AwsError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AwsError, `expected an AwsError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

describe('AWS profiles and the SDK credential chain', function () {
  this.timeout(20000);
  let server: LambdaServer;
  let home: TempAwsHome;
  let restore: (() => void) | undefined;
  let arn: string;

  before(async () => {
    // Only the key id of the `ci` profile and the default example key are accepted: proves which credentials signed.
    server = await startLambdaServer({ acceptedAccessKeyIds: ['AKIDEXAMPLE', 'AKIDCIEXAMPLE'] });
    arn = server.execution('hello-world')!.arn;
    home = tempAwsHome('\n[profile dev-static]\nregion = ap-northeast-1\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n');
  });
  after(async () => {
    await server.close();
    home.remove();
  });
  afterEach(() => {
    restore?.();
    restore = undefined;
    server.requests.length = 0;
  });

  it('lists the profiles of both files with region and kind, and no secrets', async () => {
    restore = setAwsEnv({ HOME: home.home });
    const profiles = await listProfiles();
    const byName = new Map(profiles.map((p) => [p.name, p]));
    assert.deepStrictEqual(
      profiles.map((p) => p.name),
      ['default', 'admin', 'ci', 'dev', 'dev-static', 'tool']
    );
    assert.deepStrictEqual(
      { ...byName.get('dev') },
      { name: 'dev', kind: 'sso', source: 'config', region: 'us-west-2', ssoSession: 'corp', ssoAccountId: '111122223333', ssoRoleName: 'Developer' }
    );
    assert.strictEqual(byName.get('default')!.kind, 'static');
    assert.strictEqual(byName.get('default')!.source, 'both');
    assert.strictEqual(byName.get('default')!.region, 'eu-west-1');
    assert.strictEqual(byName.get('ci')!.kind, 'static');
    assert.strictEqual(byName.get('tool')!.kind, 'process');
    assert.strictEqual(byName.get('admin')!.kind, 'role');
    assert.strictEqual(byName.get('admin')!.sourceProfile, 'ci');
    assert.ok(!JSON.stringify(profiles).includes('Secret') && !JSON.stringify(profiles).includes('AKID'), 'no keys in the profile list');
  });

  it('honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, and a missing file is no profiles', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-aws-files-'));
    try {
      fs.writeFileSync(path.join(dir, 'cfg'), '[profile other]\nregion = ap-south-1\n');
      fs.writeFileSync(path.join(dir, 'creds'), '[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = x\n');
      const env = { HOME: home.home, AWS_CONFIG_FILE: path.join(dir, 'cfg'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'creds') };
      const profiles = await listProfiles(env);
      assert.deepStrictEqual(profiles, [{ name: 'other', kind: 'static', source: 'both', region: 'ap-south-1' }]);
      assert.deepStrictEqual(await listProfiles({ HOME: path.join(dir, 'nowhere') }), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the default profile and region: AWS_PROFILE, AWS_REGION, else the profile\'s region', async () => {
    assert.deepStrictEqual(await defaultProfileAndRegion({ HOME: home.home }), { profile: 'default', profileSource: 'default', region: 'eu-west-1', regionSource: 'profile' });
    assert.deepStrictEqual(await defaultProfileAndRegion({ HOME: home.home, AWS_PROFILE: 'dev' }), { profile: 'dev', profileSource: 'env', region: 'us-west-2', regionSource: 'profile' });
    assert.deepStrictEqual(await defaultProfileAndRegion({ HOME: home.home, AWS_PROFILE: 'ci', AWS_REGION: 'sa-east-1' }), {
      profile: 'ci',
      profileSource: 'env',
      region: 'sa-east-1',
      regionSource: 'env',
    });
    assert.deepStrictEqual(await defaultProfileAndRegion({ HOME: home.home, AWS_PROFILE: 'tool' }), { profile: 'tool', profileSource: 'env' });
  });

  it('an expired SSO session gives the exact `aws sso login --profile dev`, without a request', async () => {
    restore = setAwsEnv({ HOME: home.home });
    const t = Date.now();
    const e = await failure(new DurableLambdaClient({ profile: 'dev', region: 'us-east-1', endpoint: server.endpoint }).getExecution(arn));
    assert.strictEqual(e.reason, 'credentialsExpired');
    assert.ok(e.message.includes('`aws sso login --profile dev`'), e.message);
    assert.strictEqual(e.action, 'Run `aws sso login --profile dev` and try again.');
    assert.ok(!e.message.includes('expired-example-token'), 'the cached token never shows');
    assert.strictEqual(server.requests.length, 0);
    assert.ok(Date.now() - t < 5000);
  });

  it('AWS_PROFILE names the profile in the hint as --profile does', async () => {
    restore = setAwsEnv({ HOME: home.home, AWS_PROFILE: 'dev' });
    const e = await failure(new DurableLambdaClient({ region: 'us-east-1', endpoint: server.endpoint }).getExecution(arn));
    assert.strictEqual(e.reason, 'credentialsExpired');
    assert.ok(e.message.includes('`aws sso login --profile dev`'), e.message);
  });

  it('no credentials anywhere is "credentialsMissing" with what to run', async () => {
    restore = setAwsEnv({});
    const e = await failure(new DurableLambdaClient({ region: 'us-east-1', endpoint: server.endpoint }).getExecution(arn));
    assert.strictEqual(e.reason, 'credentialsMissing');
    assert.match(e.message, /aws configure|aws sso login/);
    assert.strictEqual(server.requests.length, 0);
  });

  it('a failing credential_process is one credentials message', async () => {
    restore = setAwsEnv({ HOME: home.home });
    const e = await failure(new DurableLambdaClient({ profile: 'tool', region: 'us-east-1', endpoint: server.endpoint }).getExecution(arn));
    assert.strictEqual(e.reason, 'credentialsMissing');
    assert.match(e.message, /`credential_process` of profile "tool"/);
  });

  it('a profile that is in neither file says so', async () => {
    restore = setAwsEnv({ HOME: home.home });
    const e = await failure(new DurableLambdaClient({ profile: 'nosuch', region: 'us-east-1', endpoint: server.endpoint }).getExecution(arn));
    assert.strictEqual(e.reason, 'credentialsMissing');
    assert.strictEqual(e.message, 'Profile "nosuch" is not in ~/.aws/config or ~/.aws/credentials. Pick another profile or run `aws configure --profile nosuch`.');
  });

  it('a profile with static keys in ~/.aws/credentials signs the requests with them; its region applies', async () => {
    restore = setAwsEnv({ HOME: home.home });
    const x = await new DurableLambdaClient({ profile: 'ci', endpoint: server.endpoint }).getExecution(arn);
    assert.strictEqual(x.status, 'SUCCEEDED');
    assert.strictEqual(server.requests[0].signingRegion, 'us-east-1');
    // The default profile (region eu-west-1 from config) with no region given.
    const d = await new DurableLambdaClient({ endpoint: server.endpoint }).getExecution(arn);
    assert.strictEqual(d.status, 'SUCCEEDED');
    assert.strictEqual(server.requests[1].signingRegion, 'eu-west-1');
  });

  it('keys the server does not know are rejected: one credentials message naming the profile', async () => {
    restore = setAwsEnv(staticKeysEnv({ AWS_ACCESS_KEY_ID: 'AKIDUNKNOWN' }));
    const e = await failure(new DurableLambdaClient({ endpoint: server.endpoint }).getExecution(arn));
    assert.strictEqual(e.reason, 'credentialsExpired');
    assert.ok(!e.message.includes('AKIDUNKNOWN'));
  });

  it('no region at all is one message saying how to set it (and nothing is sent)', async () => {
    restore = setAwsEnv(staticKeysEnv({ AWS_REGION: undefined }));
    const e = await failure(new DurableLambdaClient({}).getExecution(arn));
    assert.strictEqual(e.reason, 'invalidInput');
    assert.match(e.message, /--region|AWS_REGION/);
  });

  it('with an emulator endpoint a missing region is us-east-1; a profile\'s region still wins', async () => {
    restore = setAwsEnv(staticKeysEnv({ AWS_REGION: undefined }));
    assert.strictEqual((await new DurableLambdaClient({ endpoint: server.endpoint }).getExecution(arn)).status, 'SUCCEEDED');
    assert.strictEqual(server.requests[0].signingRegion, 'us-east-1');
    restore();
    restore = setAwsEnv({ HOME: home.home });
    await new DurableLambdaClient({ endpoint: server.endpoint, profile: 'dev-static' }).getExecution(arn);
    assert.strictEqual(server.requests[1].signingRegion, 'ap-northeast-1');
  });
});
