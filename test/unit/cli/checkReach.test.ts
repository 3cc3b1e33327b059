// Unit tier (node): `check` over a folder reports what the handlers there reach in helpers outside it: the
// helper's finding in its own file and the call-site finding in the handler file (issue 11).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCheckCommand } from '../../../src/cli/checkCommand';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

interface JsonDiagnostic {
  file: string;
  line: number;
  rule: string;
  severity: string;
  message: string;
}

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-reach-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function check(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCheckCommand(args, { out: (s) => void (out += s), err: (s) => void (err += s), cwd, color: false });
  return { code, out, err };
}

const FILES = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, skipLibCheck: true, noEmit: true }, include: ['src'] }),
  'src/lib/ids.ts': 'export function newOrderId(): string {\n  return `o_${Math.random()}`;\n}\nexport function unreached(): number {\n  return Date.now();\n}\n',
  'src/handlers/order.ts':
    "import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\nimport { newOrderId } from '../lib/ids';\nexport const handler = withDurableExecution(async function processOrder(event: unknown, context: DurableContext) {\n  const id = newOrderId();\n  return id;\n});\n",
};

describe('durable-lens check: helpers outside the paths given', function () {
  this.timeout(60000);
  const temps: string[] = [];
  after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('check src/handlers reports the call in the handler and the finding it reaches in src/lib', async () => {
    const dir = project(FILES);
    temps.push(dir);
    const r = await check(dir, ['src/handlers', '--format', 'json']);
    assert.strictEqual(r.code, 1, r.err);
    const ds = (JSON.parse(r.out) as { diagnostics: JsonDiagnostic[] }).diagnostics;
    assert.deepStrictEqual(ds.map((d) => `${d.file}:${d.line} ${d.rule} ${d.severity}`), [
      'src/handlers/order.ts:4 nondeterministic-call error',
      'src/lib/ids.ts:2 nondeterministic-call error',
    ]);
    assert.match(ds[0]!.message, /^newOrderId\(\) reaches Math\.random\(\) in \.\.\/lib\/ids\.ts:2: /);
    assert.match(ds[1]!.message, /\(reached from handler "processOrder" \(\.\.\/handlers\/order\.ts:3\) via processOrder → newOrderId\)$/);
    // Date.now() in unreached() is reached by no handler in src/handlers: not reported by this run.
    assert.ok(!ds.some((d) => d.line === 5), JSON.stringify(ds));
  });

  it('the text format lists the helper file too, and checking both folders reports each finding once', async () => {
    const dir = project(FILES);
    temps.push(dir);
    const text = await check(dir, ['src/handlers']);
    assert.match(text.out, /src\/lib\/ids\.ts\n {2}2:\d+ +error/);
    const both = await check(dir, ['src/handlers', 'src/lib', '--format', 'json']);
    const ds = (JSON.parse(both.out) as { diagnostics: JsonDiagnostic[] }).diagnostics;
    assert.deepStrictEqual(ds.map((d) => `${d.file}:${d.line}`), ['src/handlers/order.ts:4', 'src/lib/ids.ts:2']);
  });

  it('a suppression in the helper silences both', async () => {
    const dir = project({ ...FILES, 'src/lib/ids.ts': FILES['src/lib/ids.ts'].replace('  return `o_', '  // durable-lens-ignore-next-line nondeterministic-call -- test ids\n  return `o_') });
    temps.push(dir);
    const r = await check(dir, ['src/handlers', '--format', 'json']);
    assert.strictEqual(r.code, 0, r.err);
    assert.deepStrictEqual((JSON.parse(r.out) as { diagnostics: JsonDiagnostic[] }).diagnostics, []);
  });
});
