// Bench (node): `node dist/cli.js history --arn … --endpoint … --format json` of a 10,000-event history served by the loopback Lambda server in pages of 1,000, as a whole process, against the bare SDK paging process of bench/historyPaging. Prints both medians, the ratio (target <= 1.5) and the CLI's peak RSS (target <= 150 MB).
// Run: npx webpack --mode production --config-name cli, npx tsc -p tsconfig.json, then node out/bench/historyCli.js
// (or DL_BENCH_CLI=.vscode-test/bench-cli/cli.js after npx webpack --mode production --config-name cli --output-path .vscode-test/bench-cli)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EVENTS, ROOT, RUNS, bareArgs, benchEnv, median, startBenchServer, timeProcess, type Run } from './historyPaging';

// DL_BENCH_CLI: another build of the CLI (e.g. production into a private folder, since every production build
// writes numbered chunks into dist/ that other bundles overwrite).
const CLI = process.env.DL_BENCH_CLI ? path.resolve(process.env.DL_BENCH_CLI) : path.join(ROOT, 'dist', 'cli.js');

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) {
    console.error(`missing ${path.relative(ROOT, CLI)}: build first (npx webpack --mode production --config-name cli)`);
    process.exit(2);
  }
  const { server, arn } = await startBenchServer();
  const env = benchEnv();
  const cliArgs = [CLI, 'history', '--arn', arn, '--endpoint', server.endpoint, '--region', 'us-east-1', '--format', 'json'];
  try {
    // Once for correctness (and to warm the file cache): the CLI must print all the events.
    let cliWorks = true;
    let why = '';
    try {
      const first = await timeProcess(cliArgs, env, true);
      const json = JSON.parse(first.stdout ?? '') as { events?: unknown[] };
      if (!Array.isArray(json.events) || json.events.length !== EVENTS) throw new Error(`the CLI printed ${Array.isArray(json.events) ? json.events.length : 'no'} events, not ${EVENTS}`);
    } catch (e) {
      cliWorks = false;
      why = e instanceof Error ? e.message : String(e);
    }
    const bareCheck = await timeProcess(bareArgs(arn, server.endpoint), env, true);
    if (bareCheck.stdout?.trim() !== String(EVENTS)) throw new Error(`the bare script paged ${bareCheck.stdout?.trim()} events`);

    const cli: Run[] = [];
    const bare: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Interleaved so both see the same machine load.
      if (cliWorks) cli.push(await timeProcess(cliArgs, env));
      bare.push(await timeProcess(bareArgs(arn, server.endpoint), env));
    }
    const load = os.loadavg()[0]!;
    const bareMs = median(bare.map((r) => r.ms));
    const bareRss = Math.max(...bare.map((r) => r.rssMb ?? 0));
    console.log(`history --arn of a ${EVENTS}-event history (pages of 1,000) vs bare SDK paging, median of ${RUNS}; load average ${load.toFixed(2)} on ${os.cpus().length} cores:`);
    console.log(`  bare SDK paging  ${bareMs.toFixed(0).padStart(6)} ms   peak RSS ${bareRss.toFixed(0)} MB`);
    if (!cliWorks) {
      console.log(`  CLI: not measured, the history command does not work yet (${why.slice(0, 300)})`);
      console.log(JSON.stringify({ bench: 'historyCli', runs: RUNS, events: EVENTS, cliMs: null, bareMs, ratio: null, cliRssMb: null, bareRssMb: bareRss, load }));
      return;
    }
    const cliMs = median(cli.map((r) => r.ms));
    const cliRss = Math.max(...cli.map((r) => r.rssMb ?? 0));
    const ratio = cliMs / bareMs;
    console.log(`  CLI process      ${cliMs.toFixed(0).padStart(6)} ms   peak RSS ${cliRss.toFixed(0)} MB ${cliRss <= 150 ? 'ok' : 'OVER TARGET (150 MB)'}   output ${(cli[0]!.stdoutBytes / 1e6).toFixed(1)} MB`);
    console.log(`  ratio ${ratio.toFixed(2)} ${ratio <= 1.5 ? 'ok' : 'OVER TARGET (1.5)'}`);
    console.log(JSON.stringify({ bench: 'historyCli', runs: RUNS, events: EVENTS, cliMs, bareMs, ratio, cliRssMb: cliRss, bareRssMb: bareRss, load }));
  } finally {
    await server.close();
    fs.rmSync(env.HOME!, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
