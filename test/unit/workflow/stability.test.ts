// Unit tests (node, mocha): node ids stay the same across edits that do not touch an operation (so the
// diagram does not jump while typing), and inference never throws on broken or half-typed code.
import * as assert from 'assert';
import * as fs from 'fs';
import type { WorkflowHandler } from '../../../src/core/workflow/graph';
import { renderMermaid } from '../../../src/core/workflow/mermaid';
import { fixturePath, inferText, onlyHandler } from './support';

function read(name: string): string {
  return fs.readFileSync(fixturePath(name), 'utf8');
}

/** kind:name (and which occurrence) → id, for comparing two versions of a handler. */
function idsByIdentity(h: WorkflowHandler): Map<string, string> {
  const seen = new Map<string, number>();
  const out = new Map<string, string>();
  for (const n of h.nodes) {
    const k = `${n.awaitOf ? 'await ' : ''}${n.kind}:${n.name}`;
    const i = seen.get(k) ?? 0;
    seen.set(k, i + 1);
    out.set(`${k}#${i}`, n.id);
  }
  return out;
}

function only(text: string): WorkflowHandler {
  const hs = inferText(text, '/virtual/operations.ts');
  assert.strictEqual(hs.length, 1);
  return hs[0]!;
}

function assertSameIds(before: WorkflowHandler, after: WorkflowHandler, except: string[] = []): void {
  const a = idsByIdentity(before);
  const b = idsByIdentity(after);
  for (const [k, id] of a) {
    if (except.some((e) => k.startsWith(e))) continue;
    assert.strictEqual(b.get(k), id, `id of ${k}`);
  }
}

describe('workflow node id stability', () => {
  const base = read('operations');
  const before = only(base);

  it('ids do not depend on offsets: editing unrelated lines keeps every id', () => {
    const edited = base
      .replace("const retry = createRetryStrategy({ maxAttempts: 3 });", "const retry = createRetryStrategy({ maxAttempts: 3 });\n\n// a comment\nconst unrelated = 42;\n")
      .replace('  await ctx.step(async () => \'unnamed\');', "  console.log('typing here');\n  const x = 1 + 2;\n  await ctx.step(async () => 'unnamed');");
    assert.notStrictEqual(edited, base);
    const after = only(edited);
    assertSameIds(before, after);
    assert.deepStrictEqual(after.nodes.map((n) => n.id), before.nodes.map((n) => n.id));
  });

  it('adding an operation with another name, or a decision around code elsewhere, keeps the other ids', () => {
    const edited = base.replace(
      "  await ctx.wait('pause', { minutes: 1, seconds: 30 });",
      "  if (event.ids.length > 2) {\n    await ctx.step('brand-new', async () => 0);\n  }\n  await ctx.wait('pause', { minutes: 1, seconds: 30 });"
    );
    const after = only(edited);
    assertSameIds(before, after);
    assert.ok(after.nodes.some((n) => n.name === 'brand-new'));
  });

  it('wrapping an operation in an if keeps its id (only its parent changes)', () => {
    const edited = base.replace("  await ctx.step('shared-retry', async () => 3, { retryStrategy: retry });", "  if (event.ids.length) {\n    await ctx.step('shared-retry', async () => 3, { retryStrategy: retry });\n  }");
    const after = only(edited);
    assertSameIds(before, after);
    const moved = after.nodes.find((n) => n.name === 'shared-retry')!;
    assert.strictEqual(after.nodes.find((n) => n.id === moved.parent)?.kind, 'decision');
  });

  it('renaming one step changes only that node id', () => {
    const edited = base.replace("'send-approval-request'", "'send-approval-mail'");
    const after = only(edited);
    assertSameIds(before, after, ['step:send-approval-request']);
    assert.ok(after.nodes.some((n) => n.id === 'step:send-approval-mail'));
  });

  it('the Mermaid text of an unchanged workflow is byte-identical across edits elsewhere in the file', () => {
    const edited = base.replace('// Fixture (workflow inference)', '// Fixture  (workflow inference), edited');
    // Line numbers and offsets move, ids and text do not (the render does not print positions).
    assert.strictEqual(renderMermaid(only(edited)).text, renderMermaid(before).text);
  });

  it('ids are unique in every fixture', () => {
    for (const name of ['decisions', 'loops', 'errors', 'operations', 'helpers', 'dynamic', 'hostile-names']) {
      const h = onlyHandler(name);
      assert.strictEqual(new Set(h.nodes.map((n) => n.id)).size, h.nodes.length, name);
    }
  });
});

describe('workflow inference on broken code', () => {
  it('a half-typed handler gives a graph with what can be read', () => {
    const h = onlyHandler('broken');
    assert.ok(h.nodes.some((n) => n.kind === 'step' && n.name === 'first'));
    assert.ok(h.nodes.some((n) => n.kind === 'parallel'));
    assert.strictEqual(h.nodes[h.nodes.length - 1]!.kind, 'end');
  });

  it('never throws on any prefix of the fixtures (typing them from the start)', function () {
    this.timeout(60000);
    for (const name of ['operations', 'decisions', 'loops', 'errors', 'helpers', 'dynamic']) {
      const text = read(name);
      // Every 11th cut: a few hundred incomplete files per fixture, each parsed and inferred.
      for (let cut = 0; cut <= text.length; cut += 11) {
        const hs = inferText(text.slice(0, cut));
        for (const h of hs) {
          const ids = new Set(h.nodes.map((n) => n.id));
          assert.strictEqual(ids.size, h.nodes.length, `unique ids at ${name}:${cut}`);
          for (const e of h.edges) assert.ok(ids.has(e.from) && ids.has(e.to), `edge ends exist at ${name}:${cut}`);
          for (const n of h.nodes) assert.ok(n.parent === null || ids.has(n.parent), `parent exists at ${name}:${cut}`);
          renderMermaid(h);
        }
      }
    }
  });

  it('odd but valid shapes do not throw', () => {
    const cases = [
      "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nexport const h = withDurableExecution(async (e: any, ctx: any) => ctx.step('expr-body', async () => 1));",
      "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nexport const h = withDurableExecution(async (e: any, ctx: any) => { label: for (;;) { for (;;) { await ctx.step('s', async () => 1); continue label; } } });",
      "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nexport const h = withDurableExecution(async (e: any, ctx: any) => { const { step } = ctx; await step('destructured', async () => 1); await ctx.parallel([]); await ctx.map([], undefined); await ctx.promise.all(); });",
      "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nexport const h = withDurableExecution(async function f(e: any, ctx: any): Promise<any> { return f(e, ctx); });",
      "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nexport const h = withDurableExecution(async (e: any, ctx: any) => { switch (e) {} while (true) {} do ; while (0); try {} finally {} });",
    ];
    for (const c of cases) {
      const hs = inferText(c);
      assert.strictEqual(hs.length, 1, c);
      renderMermaid(hs[0]!);
    }
    const rec = inferText(cases[3]!)[0]!;
    assert.ok(rec.nodes.some((n) => n.kind === 'dynamic' && /recursive/.test(n.detail ?? '')), 'recursion into the handler itself is cut off');
    const labelled = inferText(cases[1]!)[0]!;
    assert.ok(labelled.nodes.some((n) => n.name === 's'));
  });
});
