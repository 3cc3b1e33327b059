// Runs in the extension host: which AWS profile, region and endpoint the views talk to (remembered per
// workspace, endpoint from the settings), the status bar item that shows it, the profile/region picker, the
// remembered execution ARNs, and the one lazily built DurableLambdaClient (the AWS SDK loads on first use).
import * as vscode from 'vscode';
import type { DurableLambdaClient } from '../../aws/lambdaClient';
import type { ProfileInfo } from '../../aws/profiles';

type LambdaClientModule = typeof import('../../aws/lambdaClient');
type ProfilesModule = typeof import('../../aws/profiles');

let lambdaClientModule: LambdaClientModule | undefined;
let profilesModule: ProfilesModule | undefined;

/** The AWS SDK, on first use only (activation must not pay for it). A plain require keeps it in the bundle. */
export function awsClientModule(): LambdaClientModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lambdaClientModule ??= require('../../aws/lambdaClient') as LambdaClientModule;
  return lambdaClientModule;
}

export function awsProfilesModule(): ProfilesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  profilesModule ??= require('../../aws/profiles') as ProfilesModule;
  return profilesModule;
}

const STATE_KEY = 'durableLens.aws.connection';
const ARNS_KEY = 'durableLens.aws.rememberedArns';
const MAX_REMEMBERED = 50;

/** Regions that have Lambda; the picker also offers the profile's own and a typed-in one. */
export const REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'sa-east-1', 'mx-central-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3',
  'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'ap-south-1', 'ap-south-2', 'ap-east-1', 'ap-east-2',
  'me-south-1', 'me-central-1', 'il-central-1', 'af-south-1',
];

export interface ConnectionChoice {
  readonly profile?: string;
  readonly region?: string;
}

export interface RememberedArn {
  readonly arn: string;
  readonly name?: string;
  /** The endpoint it was opened with ('' = AWS itself): SAM local ids mean nothing elsewhere. */
  readonly endpoint: string;
  readonly openedAt: string;
}

export class AwsConnection implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the profile, region or endpoint changed: views refresh, no reload. */
  readonly onDidChange = this.changed.event;
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private clientInstance?: DurableLambdaClient;
  private resolved?: { profile: string; region?: string };
  private resolving?: Promise<void>;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel
  ) {
    this.item = vscode.window.createStatusBarItem('durableLens.aws', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Durable Lens: AWS profile and region';
    this.item.command = 'durableLens.selectAwsProfile';
    this.disposables.push(
      this.item,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('durableLens.aws')) this.reset('settings');
      })
    );
    this.render();
    this.item.show();
    // The status bar should name the profile and region without waiting for the view to open; after activation,
    // and without the SDK client (only the config-file parser loads).
    const t = setTimeout(() => void this.current(), 500);
    this.disposables.push({ dispose: () => clearTimeout(t) });
  }

  get choice(): ConnectionChoice {
    return this.context.workspaceState.get<ConnectionChoice>(STATE_KEY) ?? {};
  }

  get endpoint(): string | undefined {
    const e = vscode.workspace.getConfiguration('durableLens').get<string>('aws.endpoint', '').trim();
    return e || undefined;
  }

  get includeExecutionData(): boolean {
    return vscode.workspace.getConfiguration('durableLens').get<boolean>('aws.includeExecutionData', true);
  }

  /** Profile and region in force: the workspace's choice, else what the SDK would pick (AWS_PROFILE, AWS_REGION, the profile's region). */
  async current(): Promise<{ profile: string; region?: string; endpoint?: string }> {
    if (!this.resolved) {
      this.resolving ??= this.resolve();
      await this.resolving;
    }
    const r = this.resolved ?? { profile: 'default' };
    return { ...r, endpoint: this.endpoint };
  }

  private async resolve(): Promise<void> {
    const choice = this.choice;
    let profile = choice.profile;
    let region = choice.region;
    try {
      const profiles = awsProfilesModule();
      if (!profile) {
        const d = await profiles.defaultProfileAndRegion();
        profile = d.profile;
        region ??= d.region;
      } else if (!region) {
        region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || (await profiles.profileRegion(profile)).region;
      }
    } catch (err) {
      this.log.warn(`AWS: reading the profiles failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.resolved = { profile: profile ?? 'default', region };
    this.resolving = undefined;
    this.render();
  }

  /** The client for the current choice; rebuilt after any change. */
  async client(): Promise<DurableLambdaClient> {
    const { profile, region, endpoint } = await this.current();
    if (!this.clientInstance) {
      const { DurableLambdaClient: Client } = awsClientModule();
      // A profile the SDK picks by itself (AWS_PROFILE or `default`) is not forced: the environment's keys still apply.
      const explicit = this.choice.profile;
      this.clientInstance = new Client({ profile: explicit, region: region ?? (endpoint ? 'us-east-1' : undefined), endpoint });
      this.log.info(`AWS: client for profile ${profile}${explicit ? '' : ' (default chain)'}, region ${region ?? '(none)'}${endpoint ? `, endpoint ${endpoint}` : ''}`);
    }
    return this.clientInstance;
  }

  /** Short text for the tree's AWS node: `profile · region · endpoint`. */
  describe(): string {
    const r = this.resolved;
    const parts = [r?.profile ?? this.choice.profile ?? '…', r?.region ?? this.choice.region ?? 'no region'];
    if (this.endpoint) parts.push(this.endpoint);
    return parts.join(' · ');
  }

  async set(choice: ConnectionChoice): Promise<void> {
    await this.context.workspaceState.update(STATE_KEY, choice);
    this.reset('picker');
  }

  private reset(why: string): void {
    this.clientInstance?.dispose();
    this.clientInstance = undefined;
    this.resolved = undefined;
    this.resolving = undefined;
    this.log.info(`AWS: connection changed (${why})`);
    this.render();
    void this.current().then(() => this.changed.fire());
  }

  private render(): void {
    const text = this.describe();
    this.item.text = `$(cloud) ${text}`;
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.appendText(`Durable Lens talks to AWS as ${text}.\nClick to pick another profile and region.`);
    this.item.tooltip = md;
  }

  /** Status bar click: profiles (from ~/.aws), then regions. */
  async pick(): Promise<boolean> {
    let profiles: ProfileInfo[] = [];
    try {
      profiles = await awsProfilesModule().listProfiles();
    } catch (err) {
      this.log.warn(`AWS: listing profiles failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const current = await this.current();
    type P = vscode.QuickPickItem & { profile?: string };
    const items: P[] = [
      { label: '$(key) Default credential chain', description: 'environment variables, AWS_PROFILE or the default profile', profile: undefined },
      ...profiles.map((p) => ({
        label: p.name,
        description: [p.kind, p.region].filter(Boolean).join(' · '),
        detail: p.kind === 'sso' ? `SSO${p.ssoAccountId ? ` account ${p.ssoAccountId}` : ''}${p.ssoRoleName ? `, role ${p.ssoRoleName}` : ''}` : undefined,
        profile: p.name,
        picked: p.name === current.profile,
      })),
    ];
    const pickedProfile = await vscode.window.showQuickPick(items, {
      title: 'Durable Lens: AWS profile',
      placeHolder: profiles.length ? `Now: ${current.profile}` : 'No profiles in ~/.aws/config or ~/.aws/credentials: the default chain uses the environment',
    });
    if (!pickedProfile) return false;
    const profileInfo = profiles.find((p) => p.name === pickedProfile.profile);
    type R = vscode.QuickPickItem & { region?: string };
    const regionItems: R[] = [];
    if (profileInfo?.region) regionItems.push({ label: profileInfo.region, description: "the profile's region", region: profileInfo.region });
    for (const r of REGIONS) if (r !== profileInfo?.region) regionItems.push({ label: r, region: r, description: r === current.region ? 'current' : undefined });
    const qp = vscode.window.createQuickPick<R>();
    qp.title = 'Durable Lens: AWS region';
    qp.placeholder = 'Pick a region or type one';
    qp.items = regionItems;
    const region = await new Promise<string | undefined>((resolve) => {
      qp.onDidChangeValue((v) => {
        const typed = v.trim();
        qp.items = /^[a-z]{2}(-[a-z]+)+-\d+$/.test(typed) && !regionItems.some((i) => i.region === typed) ? [{ label: typed, description: 'typed', region: typed }, ...regionItems] : regionItems;
      });
      qp.onDidAccept(() => {
        resolve(qp.selectedItems[0]?.region);
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (!region) return false;
    await this.set({ profile: pickedProfile.profile, region });
    return true;
  }

  rememberedArns(): RememberedArn[] {
    const endpoint = this.endpoint ?? '';
    return (this.context.workspaceState.get<RememberedArn[]>(ARNS_KEY) ?? []).filter((a) => a.endpoint === endpoint);
  }

  async rememberArn(arn: string, name?: string): Promise<void> {
    const endpoint = this.endpoint ?? '';
    const all = (this.context.workspaceState.get<RememberedArn[]>(ARNS_KEY) ?? []).filter((a) => !(a.arn === arn && a.endpoint === endpoint));
    all.unshift({ arn, name, endpoint, openedAt: new Date().toISOString() });
    await this.context.workspaceState.update(ARNS_KEY, all.slice(0, MAX_REMEMBERED));
  }

  async forgetArn(arn: string): Promise<void> {
    const endpoint = this.endpoint ?? '';
    const all = (this.context.workspaceState.get<RememberedArn[]>(ARNS_KEY) ?? []).filter((a) => !(a.arn === arn && a.endpoint === endpoint));
    await this.context.workspaceState.update(ARNS_KEY, all);
  }

  dispose(): void {
    this.clientInstance?.dispose();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
