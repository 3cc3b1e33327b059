// Bench (node): the baseline for bench/historyCli: a bare node process that only pages a 10,000-event history from the loopback Lambda server with the SDK client (MaxItems 1000), timed as a whole process, with its peak RSS.
// Run: npx tsc -p tsconfig.json, then node out/bench/historyPaging.js (bench), or
// node out/bench/historyPaging.js --page ARN ENDPOINT (pages once in this process: prints the event count).
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stepsHistory } from '../test/support/lambdaHistories';
import { TEST_CREDENTIALS, startLambdaServer, type LambdaServer } from '../test/support/lambdaServer';

export const ROOT = path.resolve(__dirname, '..', '..');
export const RUNS = Number(process.env.BENCH_RUNS ?? 9);
export const EVENTS = 10_000;
const TIME = '/usr/bin/time';

export interface Run {
  ms: number;
  /** Peak resident set size of the process, MB (from /usr/bin/time, else the process's own report). */
  rssMb?: number;
  stdoutBytes: number;
  stdout?: string;
}

/** Example keys in an otherwise empty AWS environment: the child's credential chain finds them in env vars. */
export function benchEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return {
    ...env,
    HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'dl-bench-home-')),
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** The server and the one 10,000-event execution it serves (pages of 1,000: the client asks MaxItems 1000). */
export async function startBenchServer(): Promise<{ server: LambdaServer; arn: string }> {
  const server = await startLambdaServer({ fixtures: false, histories: [{ functionName: 'bench', name: 'ten-thousand', events: stepsHistory((EVENTS - 2) / 2) }] });
  return { server, arn: server.execution('ten-thousand')!.arn };
}

/**
 * Runs `node ARGS` to completion without blocking this process (the loopback server lives here), timing the whole
 * process; `keepStdout` keeps the output for a correctness check.
 */
export function timeProcess(args: string[], env: NodeJS.ProcessEnv, keepStdout = false): Promise<Run> {
  const useTime = fs.existsSync(TIME);
  const cmd = useTime ? TIME : process.execPath;
  const argv = useTime ? ['-f', 'DL_MAXRSS_KB=%M', process.execPath, ...args] : args;
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    const chunks: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      if (keepStdout) chunks.push(d);
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const rss = /DL_MAXRSS_KB=(\d+)/.exec(err);
      if (code !== 0) {
        reject(new Error(`node ${args.join(' ')} exited ${code}: ${err.replace(/DL_MAXRSS_KB=\d+\s*/, '').trim().slice(0, 500)}`));
        return;
      }
      resolve({ ms, stdoutBytes: bytes, ...(rss ? { rssMb: Number(rss[1]) / 1024 } : {}), ...(keepStdout ? { stdout: Buffer.concat(chunks).toString('utf8') } : {}) });
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The bare process: node, the SDK client and its paginator, nothing else loaded (the same code as pageOnly). */
const BARE = `const { LambdaClient, paginateGetDurableExecutionHistory } = require(require.resolve('@aws-sdk/client-lambda', { paths: [process.cwd()] }));
(async () => { const [arn, endpoint] = process.argv.slice(1); let n = 0;
  const client = new LambdaClient({ endpoint, region: process.env.AWS_REGION });
  for await (const page of paginateGetDurableExecutionHistory({ client, pageSize: 1000 }, { DurableExecutionArn: arn, IncludeExecutionData: true })) n += page.Events ? page.Events.length : 0;
  process.stdout.write(n + '\\n'); })().catch((e) => { console.error(e.message); process.exit(1); });`;

export function bareArgs(arn: string, endpoint: string): string[] {
  return ['-e', BARE, arn, endpoint];
}

/** The bare process: the SDK client and its paginator, nothing else. */
async function pageOnly(arn: string, endpoint: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LambdaClient, paginateGetDurableExecutionHistory } = require('@aws-sdk/client-lambda') as typeof import('@aws-sdk/client-lambda');
  const client = new LambdaClient({ endpoint, region: process.env.AWS_REGION });
  let n = 0;
  for await (const page of paginateGetDurableExecutionHistory({ client, pageSize: 1000 }, { DurableExecutionArn: arn, IncludeExecutionData: true })) {
    n += page.Events?.length ?? 0;
  }
  process.stdout.write(`${n}\n`);
}

async function bench(): Promise<void> {
  const { server, arn } = await startBenchServer();
  const env = benchEnv();
  try {
    const check = await timeProcess(bareArgs(arn, server.endpoint), env, true);
    if (check.stdout?.trim() !== String(EVENTS)) throw new Error(`the bare script paged ${check.stdout?.trim()} events, not ${EVENTS}`);
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await timeProcess(bareArgs(arn, server.endpoint), env));
    const ms = median(runs.map((r) => r.ms));
    const rss = runs.map((r) => r.rssMb).filter((x): x is number => x !== undefined);
    console.log(
      `SDK-only paging of a ${EVENTS}-event history (pages of 1,000) as a node process, median of ${RUNS}: ${ms.toFixed(0)} ms` +
        (rss.length ? `, peak RSS ${Math.max(...rss).toFixed(0)} MB` : '') +
        `; load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`
    );
    console.log(JSON.stringify({ bench: 'historyPaging', runs: RUNS, events: EVENTS, bareMs: ms, bareRssMb: rss.length ? Math.max(...rss) : null, load: os.loadavg()[0] }));
  } finally {
    await server.close();
    fs.rmSync(env.HOME!, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [flag, arn, endpoint] = process.argv.slice(2);
  const work = flag === '--page' && arn && endpoint ? pageOnly(arn, endpoint) : bench();
  work.catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
