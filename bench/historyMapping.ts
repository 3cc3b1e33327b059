// Bench (node): mapHistory of a 10,000-event history onto its handler's operation tree (a loop of a retried
// step, a map of five items, a wait and a step per round: bench/historyModel's synthetic history, ids by md5 of
// the path), and replayMismatches on it. Prints median/min of runs and the load. Target: mapHistory <= 200 ms.
// Run: npx tsc -p tsconfig.json && node out/bench/historyMapping.js [events]
import * as os from 'os';
import * as ts from 'typescript';
import { findDurableFunctions } from '../src/core/analysis/handlers';
import { operationTree } from '../src/core/analysis/operationTree';
import { recoverPathsDetailed } from '../src/core/history/ids';
import { mapHistory, replayMismatches } from '../src/core/history/mapping';
import { buildExecutionRecord } from '../src/core/history/record';
import { syntheticHistory } from './historyModel';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

/** The code that history comes from: every round takes four numbers at the top level. */
const HANDLER = `import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';
export const handler = withDurableExecution(async (event: { rounds: number }, ctx: DurableContext) => {
  let n = 0;
  for (let round = 0; round < event.rounds; round++) {
    await ctx.step(\`reserve-\${++n}\`, async () => ({ orderId: n }), { retryStrategy: (_e, a) => ({ shouldRetry: a < 3, delay: { seconds: a } }) });
    await ctx.map(\`charge-all-\${++n}\`, [1, 2, 3, 4, 5], async (c, item) => c.step('charge', async () => item));
    await ctx.wait('cool-down', { seconds: 30 });
    await ctx.step(\`notify-\${++n}\`, async () => true);
  }
  return { processed: n };
});
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function main(): void {
  const target = Number(process.argv[2] ?? 10_000);
  const events = syntheticHistory(target);
  const record = buildExecutionRecord(events);
  const sf = ts.createSourceFile('/bench/handler.ts', HANDLER, ts.ScriptTarget.ES2022, true);
  const h = findDurableFunctions(ts, sf).find((d) => d.kind === 'handler');
  if (!h) throw new Error('no handler in the bench code');
  const tree = operationTree(ts, h);
  // Once for correctness: everything maps, nothing drifts.
  const check = mapHistory(record, tree);
  if (check.fit.matched !== check.fit.total || check.drift.length > 0) {
    console.error(`the bench history does not fit its code: ${check.fit.matched}/${check.fit.total}, ${check.drift.length} drift; first: ${check.drift[0]?.message}`);
    process.exit(1);
  }
  const map: number[] = [];
  const mismatches: number[] = [];
  const paths: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const p0 = process.hrtime.bigint();
    recoverPathsDetailed(record);
    paths.push(Number(process.hrtime.bigint() - p0) / 1e6);
    const t0 = process.hrtime.bigint();
    const m = mapHistory(record, tree);
    const t1 = process.hrtime.bigint();
    replayMismatches(m);
    const t2 = process.hrtime.bigint();
    map.push(Number(t1 - t0) / 1e6);
    mismatches.push(Number(t2 - t1) / 1e6);
  }
  console.log(`mapHistory on ${events.length} events (${record.operations.length} operations, ${tree.operations.length} call sites), ${RUNS} runs; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores:`);
  console.log(`  mapHistory        median ${median(map).toFixed(1)} ms, min ${Math.min(...map).toFixed(1)} ms (target <= 200 ms)`);
  console.log(`    of which recoverPathsDetailed (md5 per id)  median ${median(paths).toFixed(1)} ms, min ${Math.min(...paths).toFixed(1)} ms`);
  console.log(`  replayMismatches  median ${median(mismatches).toFixed(2)} ms, min ${Math.min(...mismatches).toFixed(2)} ms`);
  // The same history against code edited before the recorded operations: every later number shifts.
  const edited = HANDLER.replace("  let n = 0;\n", "  let n = 0;\n  await ctx.step('validate', async () => true);\n");
  const sf2 = ts.createSourceFile('/bench/edited.ts', edited, ts.ScriptTarget.ES2022, true);
  const tree2 = operationTree(ts, findDurableFunctions(ts, sf2).find((d) => d.kind === 'handler')!);
  const drifted: number[] = [];
  let breaks = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const m = mapHistory(record, tree2);
    breaks = replayMismatches(m).length;
    drifted.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  console.log(`  edited code (a step inserted first): mapHistory + replayMismatches median ${median(drifted).toFixed(1)} ms, min ${Math.min(...drifted).toFixed(1)} ms, ${breaks} recorded ids that no longer replay`);
}

main();
