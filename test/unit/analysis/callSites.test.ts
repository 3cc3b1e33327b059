// Unit tests (node, mocha): findings you can find (issue 11): a call in one file that leads to a finding in
// another file gets a finding of the same rule there, and a helper's finding names every handler reaching it.
import * as assert from 'assert';
import * as path from 'path';
import * as ts from 'typescript';
import { checkFile } from '../../../src/core/check';
import type { CheckOptions, Finding } from '../../../src/core/analysis/model';
import { createProject, MAIN_FILE, positionOf, REPO_ROOT } from '../rules/harness';

const SDK = "import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\n";
const IDS = '/proj/src/helpers/ids.ts';

function findingsOf(files: Record<string, string>, file: string, options?: CheckOptions): { findings: Finding[]; sf: ts.SourceFile; program: ts.Program } {
  const program = createProject(files, true);
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`no ${file}`);
  return { findings: checkFile(ts, program, sf, options).findings, sf, program };
}

/** `line:rule:message-start` of each finding, lines 1-based. */
function lines(sf: ts.SourceFile, findings: readonly Finding[]): string[] {
  return findings.map((f) => `${positionOf(sf, f).line}:${f.rule}`);
}

const files = (): Record<string, string> => ({
  [IDS]: 'export function newOrderId(): string {\n  const n = 1;\n  return `o_${Math.random()}`;\n}\nexport function pure(n: number) {\n  return n * 2;\n}\n',
  [MAIN_FILE]: `${SDK}import { newOrderId, pure } from './helpers/ids';\nexport const handler = withDurableExecution(async function processOrder(event: any, context: DurableContext) {\n  const id = newOrderId();\n  return { id, n: pure(2) };\n});\n`,
});

describe('findings at the call site of a helper in another file', () => {
  it('the handler file shows a finding at the call, same rule and severity, saying what the helper does and where', () => {
    const { findings, sf } = findingsOf(files(), MAIN_FILE);
    assert.deepStrictEqual(lines(sf, findings), ['4:nondeterministic-call']);
    const f = findings[0]!;
    assert.strictEqual(sf.text.slice(f.start, f.end), 'newOrderId', 'the callee is underlined');
    assert.strictEqual(f.severity, 'error');
    assert.ok(f.message.startsWith('newOrderId() reaches Math.random() in helpers/ids.ts:3: Math.random() returns a random number'), f.message);
    assert.ok(!f.message.includes('reached from'), 'the call-site message is the helper finding itself, not its attribution');
    assert.strictEqual(f.reaches?.length, 1);
    const r = f.reaches![0]!;
    assert.deepStrictEqual([r.fileName, r.line, r.column], [IDS, 3, 15]);
    assert.ok(r.message.includes('reached from handler "processOrder" (../handler.ts:3)'), r.message);
  });

  it("the helper's own finding names the handler with its file and line, and is not a call-site finding", () => {
    const { findings, sf } = findingsOf(files(), IDS);
    assert.deepStrictEqual(lines(sf, findings), ['3:nondeterministic-call']);
    assert.strictEqual(findings[0]!.reaches, undefined);
    assert.ok(findings[0]!.message.endsWith('(reached from handler "processOrder" (../handler.ts:3) via processOrder → newOrderId)'), findings[0]!.message);
  });

  it('follows severities: overridden on both, off on both', () => {
    const warn = findingsOf(files(), MAIN_FILE, { severities: { 'nondeterministic-call': 'warning' } }).findings;
    assert.deepStrictEqual(warn.map((f) => f.severity), ['warning']);
    assert.deepStrictEqual(findingsOf(files(), MAIN_FILE, { severities: { 'nondeterministic-call': 'off' } }).findings, []);
  });

  it('a finding suppressed in the helper leads to nothing; a suppression at the call hides the call only', () => {
    const f = files();
    f[IDS] = f[IDS]!.replace('  return `o_', '  // durable-lens-ignore-next-line nondeterministic-call -- test ids only\n  return `o_');
    assert.deepStrictEqual(findingsOf(f, MAIN_FILE).findings, []);
    const g = files();
    g[MAIN_FILE] = g[MAIN_FILE]!.replace('  const id = newOrderId();', '  // durable-lens-ignore-next-line nondeterministic-call -- known\n  const id = newOrderId();');
    assert.deepStrictEqual(findingsOf(g, MAIN_FILE).findings, []);
    assert.strictEqual(findingsOf(g, IDS).findings.length, 1, "the helper's finding stays where the code is");
  });

  it('a helper in the middle: each file shows the call that leads out of it', () => {
    const f = {
      [IDS]: 'export function newId(): string {\n  return String(Date.now());\n}\n',
      '/proj/src/helpers/invoices.ts': "import { newId } from './ids';\nexport function issueInvoice() {\n  return { id: newId() };\n}\n",
      [MAIN_FILE]: `${SDK}import { issueInvoice } from './helpers/invoices';\nexport const handler = withDurableExecution(async (event: any, context: DurableContext) => {\n  return issueInvoice();\n});\n`,
    };
    const main = findingsOf(f, MAIN_FILE);
    assert.deepStrictEqual(lines(main.sf, main.findings), ['4:nondeterministic-call']);
    assert.ok(main.findings[0]!.message.startsWith('issueInvoice() reaches Date.now() in helpers/ids.ts:2:'), main.findings[0]!.message);
    const mid = findingsOf(f, '/proj/src/helpers/invoices.ts');
    assert.deepStrictEqual(lines(mid.sf, mid.findings), ['3:nondeterministic-call']);
    assert.ok(mid.findings[0]!.message.startsWith('newId() reaches Date.now() in ids.ts:2:'), mid.findings[0]!.message);
  });

  it('one finding per call and rule, listing every finding it leads to', () => {
    const f = files();
    f[IDS] = 'export function newOrderId(): string {\n  return `o_${Math.random()}_${Date.now()}`;\n}\nexport function pure(n: number) {\n  return n;\n}\n';
    const { findings } = findingsOf(f, MAIN_FILE);
    assert.strictEqual(findings.length, 1);
    assert.strictEqual(findings[0]!.reaches?.length, 2);
    assert.ok(findings[0]!.message.endsWith('(and 1 more there)'), findings[0]!.message);
  });

  it('a helper in the same file gets no second finding at the call (the finding is already in the file)', () => {
    const code = `${SDK}function stamp() {\n  return Date.now();\n}\nexport const handler = withDurableExecution(async (event: any, context: DurableContext) => stamp());\n`;
    const { findings, sf } = findingsOf({ [MAIN_FILE]: code }, MAIN_FILE);
    assert.deepStrictEqual(lines(sf, findings), ['3:nondeterministic-call']);
  });

  it('names every handler that reaches a helper, in its files and the same file', () => {
    const f = files();
    f['/proj/src/other.ts'] = `${SDK}import { newOrderId } from './helpers/ids';\nexport const refund = withDurableExecution(async (event: any, context: DurableContext) => newOrderId());\n`;
    f[MAIN_FILE] = f[MAIN_FILE]! + 'export const second = withDurableExecution(async (event: any, context: DurableContext) => newOrderId());\n';
    const { findings } = findingsOf(f, IDS);
    assert.strictEqual(findings.length, 1);
    const m = findings[0]!.message;
    for (const name of ['"processOrder" (../handler.ts:3)', '"second" (../handler.ts:7)', '"refund" (../other.ts:3)']) assert.ok(m.includes(name), `${name} in ${m}`);
    assert.deepStrictEqual(findings[0]!.handlers?.map((h) => h.name).sort(), ['processOrder', 'refund', 'second']);
    const other = findingsOf(f, '/proj/src/other.ts');
    assert.deepStrictEqual(lines(other.sf, other.findings), ['3:nondeterministic-call'], 'the second handler file shows its own call');
  });

  it('follows a CommonJS helper (exports.newId = function …) from a JavaScript handler', () => {
    const f = {
      '/proj/src/ids.js': 'exports.newId = function () {\n  return Math.random().toString(36);\n};\nmodule.exports.stamp = () => Date.now();\n',
      '/proj/src/handler.js': "const { withDurableExecution } = require('@aws/durable-execution-sdk-js');\nconst ids = require('./ids');\nconst { stamp } = require('./ids');\nexports.handler = withDurableExecution(async (event, context) => {\n  return ids.newId() + stamp();\n});\n",
    };
    const lib = findingsOf(f, '/proj/src/ids.js');
    assert.deepStrictEqual(lines(lib.sf, lib.findings), ['2:nondeterministic-call', '4:nondeterministic-call']);
    const main = findingsOf(f, '/proj/src/handler.js');
    assert.deepStrictEqual(lines(main.sf, main.findings), ['5:nondeterministic-call', '5:nondeterministic-call']);
  });

  it('the split-handler sample: opening handler.ts shows the Math.random that newId reaches', () => {
    const dir = path.join(REPO_ROOT, 'samples', 'split-handler');
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true } });
    const sf = program.getSourceFile(path.join(dir, 'src', 'handler.ts'))!;
    const { findings } = checkFile(ts, program, sf);
    const line = sf.text.split('\n').findIndex((l) => l.includes('await issueInvoice(')) + 1;
    assert.deepStrictEqual(lines(sf, findings), [`${line}:nondeterministic-call`]);
    assert.match(findings[0]!.message, /^issueInvoice\(\) reaches Math\.random\(\) in helpers\/ids\.ts:\d+: /);
  });
});
