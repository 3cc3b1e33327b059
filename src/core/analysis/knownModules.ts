// Core (pure): the table of non-deterministic, I/O and timer APIs — globals and modules — that rules match
// calls against. Add a module here to teach every rule about it; nothing is matched by a name's spelling.

export type Category = 'nondeterministic' | 'io' | 'timer';

export interface GlobalApi {
  /** Access path from the global, e.g. ['Date', 'now'], ['fetch'], ['process', 'hrtime', 'bigint']. */
  readonly path: readonly string[];
  readonly category: Category;
  /** 'call' = f(), 'new' = new F(), 'both'. */
  readonly form: 'call' | 'new' | 'both';
  /** Only when called with no arguments (`new Date()`, `moment()`). */
  readonly zeroArgs?: boolean;
}

export const GLOBAL_APIS: readonly GlobalApi[] = [
  { path: ['Date', 'now'], category: 'nondeterministic', form: 'call' },
  { path: ['Date'], category: 'nondeterministic', form: 'new', zeroArgs: true },
  { path: ['Date'], category: 'nondeterministic', form: 'call' }, // Date() returns the current time as a string
  { path: ['Math', 'random'], category: 'nondeterministic', form: 'call' },
  { path: ['performance', 'now'], category: 'nondeterministic', form: 'call' },
  { path: ['process', 'hrtime'], category: 'nondeterministic', form: 'call' },
  { path: ['process', 'hrtime', 'bigint'], category: 'nondeterministic', form: 'call' },
  { path: ['process', 'uptime'], category: 'nondeterministic', form: 'call' },
  { path: ['crypto', 'randomUUID'], category: 'nondeterministic', form: 'call' },
  // Node's CommonJS scripts see the `crypto` module as a global; AWS's own linter flags it too.
  { path: ['crypto', 'randomBytes'], category: 'nondeterministic', form: 'call' },
  { path: ['crypto', 'randomInt'], category: 'nondeterministic', form: 'call' },
  { path: ['crypto', 'getRandomValues'], category: 'nondeterministic', form: 'call' },
  { path: ['fetch'], category: 'io', form: 'call' },
  { path: ['setTimeout'], category: 'timer', form: 'call' },
  { path: ['setInterval'], category: 'timer', form: 'call' },
  { path: ['setImmediate'], category: 'timer', form: 'call' },
];

/** Prefixes that name the global object itself: `globalThis.fetch` is `fetch`. */
export const GLOBAL_OBJECT_NAMES: ReadonlySet<string> = new Set(['globalThis', 'global', 'window', 'self']);

export interface ModuleApi {
  /** Module specifiers (exact) this entry covers; `node:` variants are normalised before matching. */
  readonly modules?: readonly string[];
  /** Or a prefix, e.g. '@aws-sdk/client-'. */
  readonly prefix?: string;
  readonly category: Category;
  /** When set, only these export paths (first element after the module) are flagged. */
  readonly only?: readonly string[];
  /** Export paths that are pure and never flagged (first or last element). */
  readonly except?: readonly string[];
  /** Calls on values created from the module (clients, pools, generators) are flagged too. */
  readonly instances?: boolean;
  /** Only calls with no arguments (`moment()`, `dayjs()`). */
  readonly zeroArgs?: boolean;
  /** `new X()` of the flagged exports counts (e.g. `new ObjectId()`); by default only calls do. */
  readonly flagNew?: boolean;
  /** Human-readable description for messages. */
  readonly what: string;
}

const IO_CLIENT_EXCEPT = ['from', 'destroy', 'middlewareStack', 'config', 'use', 'on', 'once', 'off', 'removeListener'];

export const MODULE_APIS: readonly ModuleApi[] = [
  // Randomness and ids
  { modules: ['crypto'], category: 'nondeterministic', only: ['randomUUID', 'randomBytes', 'randomInt', 'randomFill', 'randomFillSync', 'getRandomValues', 'webcrypto', 'generateKeyPair', 'generateKeyPairSync', 'generateKey', 'generateKeySync', 'pseudoRandomBytes'], what: 'random bytes' },
  { modules: ['uuid'], category: 'nondeterministic', only: ['v1', 'v4', 'v6', 'v7', 'v1ToV6', 'default'], what: 'a random id' },
  { modules: ['nanoid', 'nanoid/non-secure', 'nanoid/async'], category: 'nondeterministic', instances: true, what: 'a random id' },
  { modules: ['ulid', 'ulidx'], category: 'nondeterministic', except: ['decodeTime', 'isValid'], instances: true, what: 'a time-based random id' },
  { modules: ['cuid', 'shortid', 'short-uuid', 'hyperid', 'ksuid', 'crypto-random-string', 'uid', 'uid-safe', 'randomstring', '@faker-js/faker', 'chance'], category: 'nondeterministic', instances: true, except: ['isCuid', 'isValid', 'validate'], what: 'a random value' },
  { modules: ['@paralleldrive/cuid2'], category: 'nondeterministic', except: ['isCuid', 'getConstants'], instances: true, what: 'a random id' },
  { modules: ['mongodb', 'bson'], category: 'nondeterministic', only: ['ObjectId', 'ObjectID'], flagNew: true, zeroArgs: true, what: 'a time-based random id' },
  // Time
  { modules: ['moment', 'dayjs'], category: 'nondeterministic', zeroArgs: true, only: ['default', 'utc'], what: 'the current time' },
  { modules: ['luxon'], category: 'nondeterministic', only: ['DateTime'], zeroArgs: true, what: 'the current time' },
  { modules: ['perf_hooks'], category: 'nondeterministic', only: ['performance'], what: 'the current time' },
  // Timers
  { modules: ['timers', 'timers/promises'], category: 'timer', only: ['setTimeout', 'setInterval', 'setImmediate', 'scheduler'], what: 'a timer' },
  // Files, processes, network
  { modules: ['fs', 'fs/promises', 'fs-extra', 'graceful-fs', 'readline'], category: 'io', except: ['constants'], instances: true, what: 'file system access' },
  { modules: ['child_process', 'execa', 'cross-spawn', 'shelljs', 'zx'], category: 'io', instances: true, what: 'a child process' },
  { modules: ['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'dns/promises'], category: 'io', except: ['STATUS_CODES', 'METHODS', 'isIP', 'isIPv4', 'isIPv6'], instances: true, what: 'network access' },
  { modules: ['axios', 'got', 'node-fetch', 'cross-fetch', 'isomorphic-fetch', 'undici', 'superagent', 'ky', 'needle', 'request', 'request-promise', 'phin', 'ws', 'socket.io-client'], category: 'io', except: ['create', 'isAxiosError', 'isCancel', 'AxiosError', 'extend', 'Headers', 'Request', 'Response', 'FormData', 'interceptors', 'defaults'], instances: true, what: 'an HTTP request' },
  // Databases and queues
  { modules: ['pg', 'pg-promise', 'postgres', 'mysql', 'mysql2', 'mysql2/promise', 'mongodb', 'mongoose', 'ioredis', 'redis', '@redis/client', '@upstash/redis', '@prisma/client', 'knex', 'sequelize', 'typeorm', 'mssql', 'oracledb', 'sqlite3', 'better-sqlite3', 'cassandra-driver', 'neo4j-driver', '@elastic/elasticsearch', '@opensearch-project/opensearch', 'kafkajs', 'amqplib', 'nodemailer', 'memcached', '@planetscale/database', '@neondatabase/serverless', 'drizzle-orm', 'firebase-admin'], category: 'io', except: ['ObjectId', 'ObjectID', 'Types', 'Schema', 'sql', 'raw', 'escape', 'format', ...IO_CLIENT_EXCEPT], instances: true, what: 'a database call' },
  // Cloud and API SDKs
  { prefix: '@aws-sdk/client-', category: 'io', except: IO_CLIENT_EXCEPT, instances: true, what: 'an AWS SDK call' },
  { prefix: '@aws-sdk/lib-', category: 'io', except: IO_CLIENT_EXCEPT, instances: true, what: 'an AWS SDK call' },
  { modules: ['@aws-sdk/s3-request-presigner', '@aws-sdk/credential-providers', '@aws-sdk/cloudfront-signer', 'aws-sdk'], category: 'io', except: IO_CLIENT_EXCEPT, instances: true, what: 'an AWS SDK call' },
  { prefix: '@google-cloud/', category: 'io', except: IO_CLIENT_EXCEPT, instances: true, what: 'a cloud SDK call' },
  { prefix: '@azure/', category: 'io', except: IO_CLIENT_EXCEPT, instances: true, what: 'a cloud SDK call' },
  { modules: ['openai', '@anthropic-ai/sdk', 'stripe', 'twilio', '@slack/web-api', '@octokit/rest', '@sendgrid/mail', '@supabase/supabase-js', 'googleapis'], category: 'io', except: IO_CLIENT_EXCEPT, instances: true, what: 'an API call' },
];

/** `node:fs/promises` → `fs/promises`. */
export function normaliseSpecifier(spec: string): string {
  return spec.startsWith('node:') ? spec.slice(5) : spec;
}

/** All table entries that cover a module specifier (one module can be in two: mongodb ids and I/O). */
export function moduleEntries(spec: string): ModuleApi[] {
  const s = normaliseSpecifier(spec);
  return MODULE_APIS.filter((m) => (m.modules && m.modules.includes(s)) || (m.prefix !== undefined && s.startsWith(m.prefix)));
}

/** Package name from a file path inside node_modules (for values whose type comes from a package). */
const packageMemo = new Map<string, string | undefined>();

export function packageOfFileName(fileName: string): string | undefined {
  if (packageMemo.has(fileName)) return packageMemo.get(fileName);
  const pkg = computePackage(fileName);
  if (packageMemo.size > 5000) packageMemo.clear();
  packageMemo.set(fileName, pkg);
  return pkg;
}

function computePackage(fileName: string): string | undefined {
  const m = /node_modules\/((?:@types\/)?(@[^/]+\/[^/]+|[^/@][^/]*))\//.exec(fileName.replace(/\\/g, '/'));
  if (!m) return undefined;
  const name = m[2]!;
  if (name.startsWith('@types/')) return name.slice(7);
  return name;
}
