// Runs in tests and benches (node): the AWS environment a test gives the SDK's real credential chain: static example keys in env vars, or a temporary HOME with ~/.aws files (SSO sessions and token caches included). Never real credentials.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TEST_CREDENTIALS } from './lambdaServer';

const AWS_VARS = [
  'HOME',
  'USERPROFILE',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
];

/**
 * Replaces every AWS-related variable of process.env (unset unless given) and returns the function that puts
 * the old values back. Instance metadata is always off (no network), and HOME is an empty temp folder unless given.
 */
export function setAwsEnv(vars: Record<string, string | undefined>): () => void {
  const saved = new Map(AWS_VARS.map((k) => [k, process.env[k]]));
  for (const k of Object.keys(vars)) if (!saved.has(k)) saved.set(k, process.env[k]);
  let emptyHome: string | undefined;
  for (const k of AWS_VARS) delete process.env[k];
  if (!('HOME' in vars)) {
    emptyHome = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-aws-home-'));
    process.env.HOME = emptyHome;
  }
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (emptyHome) fs.rmSync(emptyHome, { recursive: true, force: true });
  };
}

/** Static example keys in the environment (the SDK's fromEnv), region us-east-1. */
export function staticKeysEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: 'us-east-1', ...extra };
}

export interface TempAwsHome {
  home: string;
  remove(): void;
}

/**
 * A temporary HOME with ~/.aws/config: `[default]` (region eu-west-1, static keys in credentials), `[profile dev]` on
 * `[sso-session corp]` with an EXPIRED token in ~/.aws/sso/cache/<sha1("corp")>.json, `[profile ci]` with static keys
 * `AKIDCIEXAMPLE`, `[profile tool]` with a credential_process, `[profile admin]` assuming a role from `ci`.
 */
export function tempAwsHome(extraConfig = ''): TempAwsHome {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-aws-home-'));
  const aws = path.join(home, '.aws');
  fs.mkdirSync(path.join(aws, 'sso', 'cache'), { recursive: true });
  fs.writeFileSync(
    path.join(aws, 'config'),
    [
      '[default]',
      'region = eu-west-1',
      '',
      '[profile dev]',
      'sso_session = corp',
      'sso_account_id = 111122223333',
      'sso_role_name = Developer',
      'region = us-west-2',
      '',
      '[sso-session corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      'sso_region = us-east-1',
      'sso_registration_scopes = sso:account:access',
      '',
      '[profile ci]',
      'region = us-east-1',
      '',
      '[profile tool]',
      'credential_process = /bin/false',
      '',
      '[profile admin]',
      'role_arn = arn:aws:iam::111122223333:role/Admin',
      'source_profile = ci',
      extraConfig,
      '',
    ].join('\n')
  );
  fs.writeFileSync(
    path.join(aws, 'credentials'),
    [
      '[default]',
      `aws_access_key_id = ${TEST_CREDENTIALS.accessKeyId}`,
      `aws_secret_access_key = ${TEST_CREDENTIALS.secretAccessKey}`,
      '',
      '[ci]',
      'aws_access_key_id = AKIDCIEXAMPLE',
      'aws_secret_access_key = ciSecretExampleKeyThatIsNotReal000000000',
      '',
    ].join('\n')
  );
  const sha1 = crypto.createHash('sha1').update('corp').digest('hex');
  fs.writeFileSync(
    path.join(aws, 'sso', 'cache', `${sha1}.json`),
    JSON.stringify({
      startUrl: 'https://corp.awsapps.com/start',
      region: 'us-east-1',
      accessToken: 'expired-example-token',
      expiresAt: '2020-01-01T00:00:00Z',
    })
  );
  return { home, remove: () => fs.rmSync(home, { recursive: true, force: true }) };
}
