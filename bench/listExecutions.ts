// Benchmark (node, prints figures, no assertions): the Durable Functions tree (src/extension/executions/tree.ts,
// the real code, with a small stand-in `vscode` module) paging through 5,000 executions of one function from the
// loopback Lambda server with the real SDK client, "Load more" after "Load more", while
// perf_hooks.monitorEventLoopDelay watches the event loop. Target: max delay < 50 ms (the host never blocks).
// Run: npx tsc -p tsconfig.json && node out/bench/listExecutions.js   (DL_BENCH_EXECUTIONS=5000)
import Module = require('module');
import * as os from 'os';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import type { Node as TreeNode } from '../src/extension/executions/tree';

const COUNT = Number(process.env.DL_BENCH_EXECUTIONS ?? 5000);

/** Just what tree.ts and connection.ts touch. */
function standInVscode(): Record<string, unknown> {
  class EventEmitter<T> {
    private listeners: Array<(e: T) => void> = [];
    event = (l: (e: T) => void) => {
      this.listeners.push(l);
      return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
    };
    fire(e: T) {
      for (const l of this.listeners) l(e);
    }
    dispose() {
      this.listeners = [];
    }
  }
  class TreeItem {
    [k: string]: unknown;
    constructor(
      public label: string,
      public collapsibleState: number
    ) {}
  }
  class ThemeIcon {
    constructor(
      public id: string,
      public color?: unknown
    ) {}
  }
  class ThemeColor {
    constructor(public id: string) {}
  }
  class MarkdownString {
    value = '';
    isTrusted = false;
    supportHtml = false;
    constructor(v = '') {
      this.value = v;
    }
    appendMarkdown(s: string) {
      this.value += s;
      return this;
    }
    appendText(s: string) {
      this.value += s;
      return this;
    }
  }
  return {
    EventEmitter,
    TreeItem,
    ThemeIcon,
    ThemeColor,
    MarkdownString,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    commands: { executeCommand: async () => undefined },
  };
}

async function main(): Promise<void> {
  const fake = standInVscode();
  const M = Module as unknown as { _load: (req: string, parent: unknown, isMain: boolean) => unknown };
  const load = M._load;
  M._load = function (req: string, parent: unknown, isMain: boolean) {
    return req === 'vscode' ? fake : load.call(this, req, parent, isMain);
  };
  // Loaded after the hook: tree.ts imports `vscode`.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { startLambdaServer, TEST_CREDENTIALS } = require('../test/support/lambdaServer') as typeof import('../test/support/lambdaServer');
  const { DurableLambdaClient } = require('../src/aws/lambdaClient') as typeof import('../src/aws/lambdaClient');
  const { ExecutionsTree, EXECUTION_PAGE_SIZE } = require('../src/extension/executions/tree') as typeof import('../src/extension/executions/tree');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const now = Date.now();
  const server = await startLambdaServer({
    fixtures: false,
    executions: Array.from({ length: COUNT }, (_, k) => ({ functionName: 'bench-fn', name: `exec-${k}`, status: k % 7 === 0 ? 'RUNNING' : 'SUCCEEDED', startedAt: new Date(now - k * 1000), ...(k % 7 === 0 ? {} : { endedAt: new Date(now - k * 1000 + 800) }) })),
  });
  const client = new DurableLambdaClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  const connection = {
    onDidChange: () => ({ dispose: () => undefined }),
    client: async () => client,
    describe: () => `bench · us-east-1 · ${server.endpoint}`,
    endpoint: server.endpoint,
    rememberedArns: () => [],
  };
  const localRuns = { onDidChange: () => ({ dispose: () => undefined }), list: () => [] };
  const log = { info: () => undefined, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const tree = new ExecutionsTree(connection as any, localRuns as any, log as any);

  // The machine's own share: on shared, loaded cores the loop is late even when this process does nothing.
  const idle = monitorEventLoopDelay({ resolution: 5 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 2000));
  idle.disable();

  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = performance.now();
  const roots = await tree.getChildren();
  const fns = await tree.getChildren(roots[1]);
  const fnNode = fns.find((n) => n.type === 'function') as TreeNode;
  let children = await tree.getChildren(fnNode);
  let pages = 1;
  let slowestRender = 0;
  for (;;) {
    // What VS Code does after each change: ask for the children and render every item.
    const r0 = performance.now();
    for (const c of children) tree.getTreeItem(c);
    slowestRender = Math.max(slowestRender, performance.now() - r0);
    if (!children.some((c) => c.type === 'loadMore')) break;
    await tree.loadMoreExecutions((fnNode as TreeNode & { type: 'function' }).fn.name);
    children = await tree.getChildren(fnNode);
    pages++;
  }
  const elapsed = performance.now() - t0;
  h.disable();
  const listed = tree.loadedExecutions((fnNode as TreeNode & { type: 'function' }).fn.name).items.length;
  const rows = children.length;
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(`executions listed: ${listed} of ${COUNT} in ${pages} pages of ${EXECUTION_PAGE_SIZE} (${(elapsed / 1000).toFixed(2)} s, ${(elapsed / pages).toFixed(1)} ms per page)`);
  console.log(`event-loop delay while listing: max ${ms(h.max)} ms, p99 ${ms(h.percentile(99))} ms, mean ${ms(h.mean)} ms (target: max < 50 ms)`);
  console.log(`idle baseline (2 s, nothing running in this process): max ${ms(idle.max)} ms, p99 ${ms(idle.percentile(99))} ms, mean ${ms(idle.mean)} ms`);
  console.log(`rows under the function at the end: ${rows} (the newest executions flat, older ones in groups); slowest render of all rows: ${slowestRender.toFixed(1)} ms`);
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  client.dispose();
  await server.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
