// Unit tier (node): `check` over a folder reports what the handlers there reach in helpers outside it: the
// helper's finding in its own file and the call-site finding in the handler file (issue 11).
import * as assert from 'assert';
import { runCheckCommand } from '../../../src/cli/checkCommand';
import { runInProcess, tempProjects, type JsonDiagnostic } from './cliHarness';

const check = (cwd: string, args: string[]) => runInProcess(runCheckCommand, args, { cwd });

const FILES = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, skipLibCheck: true, noEmit: true }, include: ['src'] }),
  'src/lib/ids.ts': 'export function newOrderId(): string {\n  return `o_${Math.random()}`;\n}\nexport function unreached(): number {\n  return Date.now();\n}\n',
  'src/handlers/order.ts':
    "import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\nimport { newOrderId } from '../lib/ids';\nexport const handler = withDurableExecution(async function processOrder(event: unknown, context: DurableContext) {\n  const id = newOrderId();\n  return id;\n});\n",
};

describe('durable-lens check: helpers outside the paths given', function () {
  this.timeout(60000);
  const project = tempProjects('dl-reach-', { linkNodeModules: true });

  it('check src/handlers reports the call in the handler and the finding it reaches in src/lib', async () => {
    const dir = project(FILES);
    const r = await check(dir, ['src/handlers', '--format', 'json']);
    assert.strictEqual(r.code, 1, r.stderr);
    const ds = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
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
    const text = await check(dir, ['src/handlers']);
    assert.match(text.stdout, /src\/lib\/ids\.ts\n {2}2:\d+ +error/);
    const both = await check(dir, ['src/handlers', 'src/lib', '--format', 'json']);
    const ds = (JSON.parse(both.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
    assert.deepStrictEqual(ds.map((d) => `${d.file}:${d.line}`), ['src/handlers/order.ts:4', 'src/lib/ids.ts:2']);
  });

  it('a suppression in the helper silences both', async () => {
    const dir = project({ ...FILES, 'src/lib/ids.ts': FILES['src/lib/ids.ts'].replace('  return `o_', '  // durable-lens-ignore-next-line nondeterministic-call -- test ids\n  return `o_') });
    const r = await check(dir, ['src/handlers', '--format', 'json']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual((JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics, []);
  });
});
