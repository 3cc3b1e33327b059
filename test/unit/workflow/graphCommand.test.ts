// Unit tests (node, mocha): the `graph` CLI command in-process — the JSON contract, Mermaid text, the
// handler filter, and exit code 2 on bad usage or an unreadable file.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { runGraphCommand } from '../../../src/cli/graphCommand';
import { GOLDEN, REPO_ROOT } from './support';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runGraphCommand(args, { out: (s) => void (out += s), err: (s) => void (err += s), cwd: REPO_ROOT });
  return { code, out, err };
}

const fx = (name: string) => `test/fixtures/workflow/${name}.ts`;

describe('durable-lens graph', () => {
  it('--format json follows the contract: handlers with name, file, line, nodes and edges', async () => {
    const r = await run(fx('by-name'), '--format', 'json');
    assert.strictEqual(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { handlers: { name: string; file: string; line: number; nodes: Record<string, unknown>[]; edges: Record<string, unknown>[] }[] };
    assert.deepStrictEqual(j.handlers.map((h) => [h.name, h.file, h.line]), [
      ['processOrder', 'test/fixtures/workflow/by-name.ts', 4],
      ['default', 'test/fixtures/workflow/by-name.ts', 12],
    ]);
    for (const h of j.handlers) {
      for (const n of h.nodes) {
        assert.deepStrictEqual(Object.keys(n).slice(0, 5), ['id', 'kind', 'name', 'line', 'parent']);
        assert.strictEqual(typeof n.id, 'string');
        assert.ok(n.name === null || typeof n.name === 'string');
      }
      for (const e of h.edges) assert.deepStrictEqual(Object.keys(e).slice(0, 3), ['from', 'to', 'label']);
    }
    const kinds = j.handlers[0]!.nodes.map((n) => n.kind);
    assert.deepStrictEqual(kinds, ['start', 'step', 'wait', 'step', 'end']);
  });

  it('prints the same JSON as the golden files (a Program rooted at the file expands imported helpers)', async () => {
    for (const name of ['helpers', 'operations']) {
      const r = await run(fx(name), '--format', 'json');
      assert.strictEqual(r.code, 0, r.err);
      assert.strictEqual(r.out, fs.readFileSync(path.join(GOLDEN, `${name}.json`), 'utf8'), name);
    }
  });

  it('prints Mermaid text by default, and only the handler asked for with --handler', async () => {
    const all = await run(fx('by-name'));
    assert.strictEqual(all.code, 0, all.err);
    assert.strictEqual(all.out, fs.readFileSync(path.join(GOLDEN, 'by-name.mmd'), 'utf8'));
    assert.strictEqual((all.out.match(/^flowchart TD$/gm) ?? []).length, 2);
    const one = await run(fx('by-name'), '--handler', 'default', '--format=mermaid');
    assert.strictEqual(one.code, 0, one.err);
    assert.strictEqual((one.out.match(/^flowchart TD$/gm) ?? []).length, 1);
    assert.ok(one.out.includes('default-step'));
    assert.ok(!one.out.includes('validate'));
    const lr = await run(fx('by-name'), '--handler', 'processOrder', '--direction', 'LR');
    assert.ok(lr.out.startsWith('flowchart LR\n'));
  });

  it('exit 2 on bad usage and unreadable files, with a message', async () => {
    const cases: [string[], RegExp][] = [
      [[], /needs a FILE/],
      [[fx('by-name'), fx('loops')], /one FILE/],
      [[fx('by-name'), '--format', 'svg'], /unknown format "svg"/],
      [[fx('by-name'), '--format'], /--format needs a value/],
      [[fx('by-name'), '--bogus'], /unknown option --bogus/],
      [['test/fixtures/workflow/does-not-exist.ts'], /cannot read test\/fixtures\/workflow\/does-not-exist\.ts \(ENOENT\)/],
      [['test/fixtures/workflow'], /cannot read test\/fixtures\/workflow/],
      [[fx('by-name'), '--handler', 'nope'], /no handler named "nope".*handlers: processOrder, default/],
    ];
    for (const [args, msg] of cases) {
      const r = await run(...args);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.match(r.err, msg);
      assert.strictEqual(r.out, '');
    }
  });

  it('a file without handlers: empty JSON list, exit 0', async () => {
    const r = await run(fx('helpers-lib'), '--format', 'json');
    assert.strictEqual(r.code, 0);
    assert.deepStrictEqual(JSON.parse(r.out), { handlers: [] });
  });
});
