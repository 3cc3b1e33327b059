// Runs in the extension host and the CLI: the AWS profiles a user has (~/.aws/config and credentials, read with the SDK's own parser), their region and kind; never reads or returns secrets.
import * as os from 'os';
import * as path from 'path';
// The SDK's own parser (`[profile x]` vs `[x]`, sub-sections, comments); src/aws is itself loaded on first use.
import { loadSharedConfigFiles } from '@smithy/core/config';

export type ProfileKind = 'sso' | 'static' | 'process' | 'role' | 'webIdentity' | 'login' | 'other';

export interface ProfileInfo {
  name: string;
  region?: string;
  kind: ProfileKind;
  /** Which file(s) define it. */
  source: 'config' | 'credentials' | 'both';
  /** For sso profiles: the `[sso-session NAME]` it uses (absent for legacy `sso_start_url` profiles). */
  ssoSession?: string;
  ssoAccountId?: string;
  ssoRoleName?: string;
  /** For role profiles: the role to assume (an ARN, not a secret). */
  roleArn?: string;
  sourceProfile?: string;
}

export interface ProfileAndRegion {
  profile: string;
  /** `env` = AWS_PROFILE, `default` = no variable set. */
  profileSource: 'env' | 'default';
  region?: string;
  regionSource?: 'env' | 'profile';
}

type Env = Readonly<Record<string, string | undefined>>;
type Section = Record<string, string | undefined>;

export function awsConfigPaths(env: Env = process.env): { configFile: string; credentialsFile: string } {
  const home = env.HOME || env.USERPROFILE || (env.HOMEPATH ? `${env.HOMEDRIVE ?? ''}${env.HOMEPATH}` : '') || os.homedir();
  const expand = (p: string) => (p.startsWith('~/') || p === '~' ? path.join(home, p.slice(1)) : p);
  return {
    configFile: expand(env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config')),
    credentialsFile: expand(env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials')),
  };
}

async function loadFiles(env: Env): Promise<{ configFile: Record<string, Section>; credentialsFile: Record<string, Section> }> {
  const { configFile, credentialsFile } = awsConfigPaths(env);
  const files = await loadSharedConfigFiles({ filepath: credentialsFile, configFilepath: configFile, ignoreCache: true });
  return {
    configFile: (files.configFile ?? {}) as Record<string, Section>,
    credentialsFile: (files.credentialsFile ?? {}) as Record<string, Section>,
  };
}

function kindOf(section: Section): ProfileKind {
  if (section.sso_session || section.sso_start_url) return 'sso';
  if (section.credential_process) return 'process';
  if (section.role_arn && section.web_identity_token_file) return 'webIdentity';
  if (section.role_arn) return 'role';
  if (section.aws_access_key_id) return 'static';
  if (section.login_session) return 'login';
  return 'other';
}

/** The profiles from both files, sorted by name (`default` first); a missing or unreadable file gives none. */
export async function listProfiles(env: Env = process.env): Promise<ProfileInfo[]> {
  const { configFile, credentialsFile } = await loadFiles(env);
  const names = new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)]);
  const out: ProfileInfo[] = [];
  for (const name of names) {
    // loadSharedConfigFiles keys sso-session and services sections with a prefix separator; they are not profiles.
    if (name.includes('.') && (name.startsWith('sso-session') || name.startsWith('services'))) continue;
    const fromConfig = configFile[name];
    const fromCreds = credentialsFile[name];
    const merged: Section = { ...(fromConfig ?? {}), ...(fromCreds ?? {}) };
    const info: ProfileInfo = {
      name,
      kind: kindOf(merged),
      source: fromConfig && fromCreds ? 'both' : fromConfig ? 'config' : 'credentials',
    };
    const region = fromConfig?.region ?? fromCreds?.region;
    if (region) info.region = region;
    if (merged.sso_session) info.ssoSession = merged.sso_session;
    if (merged.sso_account_id) info.ssoAccountId = merged.sso_account_id;
    if (merged.sso_role_name) info.ssoRoleName = merged.sso_role_name;
    if (merged.role_arn) info.roleArn = merged.role_arn;
    if (merged.source_profile) info.sourceProfile = merged.source_profile;
    out.push(info);
  }
  out.sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
  return out;
}

/** What the SDK would use with no explicit choice: AWS_PROFILE (else `default`), AWS_REGION/AWS_DEFAULT_REGION, else the profile's region. */
export async function defaultProfileAndRegion(env: Env = process.env): Promise<ProfileAndRegion> {
  const profile = env.AWS_PROFILE || 'default';
  const profileSource = env.AWS_PROFILE ? 'env' : 'default';
  const envRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (envRegion) return { profile, profileSource, region: envRegion, regionSource: 'env' };
  return { profile, profileSource, ...(await profileRegion(profile, env)) };
}

/** The region a profile names in the config files, if any. */
export async function profileRegion(profile: string, env: Env = process.env): Promise<{ region?: string; regionSource?: 'profile' }> {
  const { configFile, credentialsFile } = await loadFiles(env);
  const region = configFile[profile]?.region ?? credentialsFile[profile]?.region;
  return region ? { region, regionSource: 'profile' } : {};
}
