// Pure (the file system comes in through ConfigHost): the project config file shared by the CLI and the
// tsserver plugin: where it is, how it is parsed and validated, and how layers merge into per-rule severities.
import { RULE_CATALOG, RULE_IDS, isRuleId, type RuleId, type Severity, type SeveritySetting } from '../rules/catalog';
import type { LensConfig } from '../analysis/model';

/** The dedicated config file, looked up from the project directory upwards. */
export const CONFIG_FILE_NAME = 'durable-lens.json';
/** Alternatively, a key of package.json (the first of the two found walking upwards wins). */
export const PACKAGE_JSON_KEY = 'durableLens';

const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error'];

/** The file system as the caller sees it (node fs in the CLI, the tsserver host in the plugin). */
export interface ConfigHost {
  fileExists(fileName: string): boolean;
  readFile(fileName: string): string | undefined;
}

export interface ConfigProblem {
  readonly reason: 'unreadable' | 'invalid-json' | 'invalid-value';
  readonly file: string | undefined;
  readonly message: string;
}

export interface LoadedConfig {
  readonly config: LensConfig;
  /** The file the configuration came from, undefined when none was found. */
  readonly file: string | undefined;
  readonly problems: readonly ConfigProblem[];
}

/**
 * Validates an untrusted value (parsed JSON, a tsconfig plugin entry, a configurePlugin payload) into a
 * LensConfig. Invalid entries are dropped and reported; unknown top-level keys (e.g. "name" of a tsconfig
 * plugin entry) are ignored.
 */
export function parseLensConfig(value: unknown, file?: string): { config: LensConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const bad = (message: string) => problems.push({ reason: 'invalid-value', file, message });
  if (value === undefined || value === null) return { config: {}, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    bad('the configuration must be an object like {"rules": {"io-outside-step": "warning"}}');
    return { config: {}, problems };
  }
  const raw = value as Record<string, unknown>;
  let enabled: boolean | undefined;
  if (raw.enabled !== undefined) {
    if (typeof raw.enabled === 'boolean') enabled = raw.enabled;
    else bad('"enabled" must be true or false');
  }
  let rules: Partial<Record<RuleId, SeveritySetting>> | undefined;
  if (raw.rules !== undefined) {
    if (typeof raw.rules !== 'object' || raw.rules === null || Array.isArray(raw.rules)) {
      bad('"rules" must be an object mapping rule ids to off|info|warning|error');
    } else {
      rules = {};
      for (const [id, setting] of Object.entries(raw.rules as Record<string, unknown>)) {
        if (!isRuleId(id)) {
          bad(`unknown rule "${id}" (known rules: ${RULE_IDS.join(', ')})`);
          continue;
        }
        if (typeof setting !== 'string' || !(SEVERITY_SETTINGS as readonly string[]).includes(setting)) {
          bad(`rule "${id}": severity must be one of ${SEVERITY_SETTINGS.join(', ')}`);
          continue;
        }
        rules[id] = setting as SeveritySetting;
      }
    }
  }
  const config: LensConfig = { ...(enabled === undefined ? {} : { enabled }), ...(rules ? { rules } : {}) };
  return { config, problems };
}

/** Later layers win: `enabled` when set, and each rule they set. */
export function mergeLensConfigs(...layers: readonly (LensConfig | undefined)[]): LensConfig {
  let enabled: boolean | undefined;
  const rules: Partial<Record<RuleId, SeveritySetting>> = {};
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.enabled !== undefined) enabled = layer.enabled;
    Object.assign(rules, layer.rules ?? {});
  }
  return { ...(enabled === undefined ? {} : { enabled }), rules };
}

/** The severity a rule ends up with under a configuration (defaults from the catalogue). */
export function effectiveSeverity(config: LensConfig, rule: RuleId): SeveritySetting {
  if (config.enabled === false) return 'off';
  return config.rules?.[rule] ?? RULE_CATALOG[rule].defaultSeverity;
}

/** Every rule's effective severity: what analyzers are given as CheckOptions.severities. */
export function effectiveSeverities(config: LensConfig): Record<RuleId, SeveritySetting> {
  const out = {} as Record<RuleId, SeveritySetting>;
  for (const id of RULE_IDS) out[id] = effectiveSeverity(config, id);
  return out;
}

export function isSeverity(value: SeveritySetting): value is Severity {
  return value !== 'off';
}

/**
 * Finds and reads the project configuration: walking up from `startDir` (an absolute path), the first
 * directory holding a durable-lens.json, or a package.json with a "durableLens" key, provides it.
 */
export function loadProjectConfig(startDir: string, host: ConfigHost): LoadedConfig {
  let dir = startDir;
  for (;;) {
    const candidate = joinPath(dir, CONFIG_FILE_NAME);
    if (host.fileExists(candidate)) return readConfigFile(candidate, host, undefined);
    const pkg = joinPath(dir, 'package.json');
    if (host.fileExists(pkg)) {
      const text = safeRead(host, pkg);
      if (text !== undefined) {
        try {
          const json = JSON.parse(text) as Record<string, unknown>;
          if (json && typeof json === 'object' && json[PACKAGE_JSON_KEY] !== undefined) {
            const { config, problems } = parseLensConfig(json[PACKAGE_JSON_KEY], pkg);
            return { config, file: pkg, problems };
          }
        } catch {
          // A broken package.json is not ours to report; keep looking upwards.
        }
      }
    }
    const parent = parentDir(dir);
    if (parent === dir) return { config: {}, file: undefined, problems: [] };
    dir = parent;
  }
}

// core has no `path` module: absolute POSIX and Windows paths (either separator) are handled here.
function parentDir(dir: string): string {
  const trimmed = dir.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (i < 0) return dir;
  if (i === 0) return trimmed.slice(0, 1);
  const parent = trimmed.slice(0, i);
  return /^[A-Za-z]:$/.test(parent) ? `${parent}${trimmed[i]}` : parent;
}

function joinPath(dir: string, name: string): string {
  if (dir.endsWith('/') || dir.endsWith('\\')) return dir + name;
  return `${dir}${dir.includes('\\') && !dir.includes('/') ? '\\' : '/'}${name}`;
}

function readConfigFile(file: string, host: ConfigHost, key: string | undefined): LoadedConfig {
  const text = safeRead(host, file);
  if (text === undefined) return { config: {}, file, problems: [{ reason: 'unreadable', file, message: 'cannot read the file' }] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { config: {}, file, problems: [{ reason: 'invalid-json', file, message: `not valid JSON: ${(e as Error).message}` }] };
  }
  const value = key === undefined ? json : (json as Record<string, unknown>)[key];
  const { config, problems } = parseLensConfig(value, file);
  return { config, file, problems };
}

function safeRead(host: ConfigHost, file: string): string | undefined {
  try {
    return host.readFile(file);
  } catch {
    return undefined;
  }
}
