// Bench support (node): generates large durable handlers for the workflow benchmarks — one with 1,000
// operations in every structure, one with 200 parallel branches, one with a 200-case switch.

const HEADER = "import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\n\n";

/** A handler with exactly `ops` operations spread over steps, waits, ifs, loops, child contexts and maps. */
export function manyOperations(ops = 1000): string {
  const lines: string[] = [HEADER, 'export const handler = withDurableExecution(async (event: any, ctx: DurableContext) => {'];
  let n = 0;
  let i = 0;
  while (n < ops) {
    const left = ops - n;
    switch (i % 6) {
      case 0:
        lines.push(`  const r${i} = await ctx.step('step-${i}', async () => ${i}, { retryStrategy: retry });`);
        n += 1;
        break;
      case 1:
        lines.push(`  await ctx.wait('wait-${i}', { seconds: ${i % 60} });`);
        n += 1;
        break;
      case 2:
        if (left >= 2) {
          lines.push(`  if (event.flag${i}) {`, `    await ctx.step('then-${i}', async () => 1);`, '  } else {', `    await ctx.step('else-${i}', async () => 2);`, '  }');
          n += 2;
        } else {
          lines.push(`  await ctx.step('tail-${i}', async () => 0);`);
          n += 1;
        }
        break;
      case 3:
        lines.push(`  for (const item of event.items${i}) {`, `    if (!item) continue;`, `    await ctx.step('loop-${i}', async () => item);`, '  }');
        n += 1;
        break;
      case 4:
        if (left >= 2) {
          lines.push(`  await ctx.runInChildContext('child-${i}', async (c) => {`, `    await c.step('inner-${i}', async () => ${i});`, '  });');
          n += 2;
        } else {
          lines.push(`  await ctx.step('tail-${i}', async () => 0);`);
          n += 1;
        }
        break;
      default:
        if (left >= 2) {
          lines.push(`  try {`, `    await ctx.map('map-${i}', event.items, async (m, x) => m.step('item-${i}', async () => x));`, '  } catch (e) {', `    console.log(e);`, '  }');
          n += 2;
        } else {
          lines.push(`  await ctx.step('tail-${i}', async () => 0);`);
          n += 1;
        }
    }
    i++;
  }
  lines.push("  return 'done';", '});', 'declare const retry: any;', '');
  return lines.join('\n');
}

/** A handler whose parallel has `branches` branches, each a step. */
export function manyParallelBranches(branches = 200): string {
  const lines: string[] = [HEADER, 'export const handler = withDurableExecution(async (event: any, ctx: DurableContext) => {', "  await ctx.parallel('fan-out', ["];
  for (let i = 0; i < branches; i++) lines.push(`    { name: 'branch-${i}', func: async (c) => c.step('work-${i}', async () => ${i}) },`);
  lines.push('  ]);', '});', '');
  return lines.join('\n');
}

/** A handler whose switch has `cases` cases, each a step. */
export function manySwitchCases(cases = 200): string {
  const lines: string[] = [HEADER, 'export const handler = withDurableExecution(async (event: any, ctx: DurableContext) => {', '  switch (event.kind) {'];
  for (let i = 0; i < cases; i++) lines.push(`    case 'k${i}':`, `      await ctx.step('case-${i}', async () => ${i});`, '      break;');
  lines.push('  }', '});', '');
  return lines.join('\n');
}
