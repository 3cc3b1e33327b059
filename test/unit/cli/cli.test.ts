// Unit tier (node): the built CLI (dist/cli.js) run as a process on fixture projects: exit codes, the JSON
// contract (1-based positions), SARIF 2.1.0 shape, folder search, usage errors and configuration.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RULE_IDS } from '../../../src/core/rules/catalog';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURES = 'test/fixtures/tsserver';

function cli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, encoding: 'utf8', env: { ...process.env, ...opts.env }, timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
}

function tempProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const HANDLER_HEAD = `import { withDurableExecution } from '@aws/durable-execution-sdk-js';\n`;

describe('durable-lens CLI (dist/cli.js)', function () {
  this.timeout(60000);
  const temps: string[] = [];
  after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  before(() => {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npx webpack --mode development` first');
  });

  it('check --format json: the contract fields, 1-based positions, exit 1 on errors, helpers in other files', () => {
    const r = cli(['check', `${FIXTURES}/with-sdk`, '--format', 'json']);
    assert.strictEqual(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] };
    assert.deepStrictEqual(Object.keys(out), ['diagnostics']);
    for (const d of out.diagnostics) {
      assert.deepStrictEqual(Object.keys(d), ['file', 'line', 'column', 'endLine', 'endColumn', 'rule', 'severity', 'message']);
      assert.ok((RULE_IDS as readonly string[]).includes(d.rule));
    }
    const random = out.diagnostics.find((d) => d.rule === 'nondeterministic-call' && d.file.endsWith('handler.ts'));
    // `  const orderId = randomUUID();` on line 6: randomUUID starts at column 19, the call ends before column 31.
    assert.deepStrictEqual(random && { ...random, message: undefined }, {
      file: `${FIXTURES}/with-sdk/src/handler.ts`,
      line: 6,
      column: 19,
      endLine: 6,
      endColumn: 31,
      rule: 'nondeterministic-call',
      severity: 'error',
      message: undefined,
    });
    assert.ok(out.diagnostics.some((d) => d.file === `${FIXTURES}/with-sdk/src/helpers.ts` && d.line === 2 && d.column === 15));
    assert.ok(out.diagnostics.some((d) => d.rule === 'replayed-side-effect-log' && d.severity === 'info'));
  });

  it('exit 0 for a clean project and for warnings only', () => {
    const clean = tempProject({
      'handler.ts': `${HANDLER_HEAD}export const handler = withDurableExecution(async (event: any, context: any) => {\n  const at = await context.step('now', async () => Date.now());\n  return at;\n});\n`,
    });
    temps.push(clean);
    const r = cli(['check', clean, '--format', 'json']);
    assert.strictEqual(r.code, 0, r.stderr + r.stdout);
    assert.deepStrictEqual(JSON.parse(r.stdout), { diagnostics: [] });
    const warningsOnly = cli(['check', `${FIXTURES}/tsconfig-rules`, '--format', 'json']);
    assert.strictEqual(warningsOnly.code, 0, warningsOnly.stderr);
    const ds = (JSON.parse(warningsOnly.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
    assert.deepStrictEqual(ds.map((d) => `${d.rule}:${d.severity}`), ['nondeterministic-call:warning'], 'the tsconfig plugin entry applies');
  });

  it('--project with durable-lens.json severities', () => {
    const r = cli(['check', '--project', `${FIXTURES}/config-file/tsconfig.json`, '--format', 'json']);
    assert.strictEqual(r.code, 1, r.stderr);
    const ds = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
    assert.deepStrictEqual(ds.map((d) => `${d.line}:${d.column} ${d.rule} ${d.severity}`), ['5:3 replayed-side-effect-log error']);
  });

  it('folders: .ts/.tsx/.js/.mjs/.cjs searched, node_modules skipped, no tsconfig needed', () => {
    const bad = (ext: string) =>
      ext === 'cjs'
        ? `const { withDurableExecution } = require('@aws/durable-execution-sdk-js');\nexports.handler = withDurableExecution(async (event, context) => {\n  return Math.random();\n});\n`
        : `${HANDLER_HEAD}export const handler = withDurableExecution(async (event${ext.startsWith('ts') ? ': any' : ''}, context${ext.startsWith('ts') ? ': any' : ''}) => {\n  return Math.random();\n});\n`;
    const dir = tempProject({
      'src/a.ts': bad('ts'),
      'src/b.tsx': bad('tsx'),
      'src/c.js': bad('js'),
      'src/d.mjs': bad('mjs'),
      'src/e.cjs': bad('cjs'),
      'src/notes.md': 'Math.random()',
      'node_modules/dep/index.ts': bad('ts'),
    });
    temps.push(dir);
    const r = cli(['check', '.', '--format', 'json'], { cwd: dir });
    assert.strictEqual(r.code, 1, r.stderr);
    const files = [...new Set((JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.map((d) => d.file))].sort();
    assert.deepStrictEqual(files, ['src/a.ts', 'src/b.tsx', 'src/c.js', 'src/d.mjs', 'src/e.cjs']);
  });

  it('text: grouped by file with a summary, no colour when not a terminal', () => {
    const r = cli(['check', `${FIXTURES}/with-sdk`]);
    assert.strictEqual(r.code, 1);
    assert.ok(!r.stdout.includes('\x1b['), 'no ANSI colour when piped');
    const lines = r.stdout.split('\n');
    const header = lines.indexOf(`${FIXTURES}/with-sdk/src/handler.ts`);
    assert.ok(header >= 0, r.stdout);
    assert.match(lines[header + 1], /^ {2}6:19 +error +`randomUUID\(\)`.* nondeterministic-call$/);
    assert.match(r.stdout, /7 problems \(6 errors, 0 warnings, 1 info\), 2 files checked/);
  });

  it('SARIF 2.1.0: rules with ids and their documentation pages, results with relative locations and 1-based regions', () => {
    const r = cli(['check', `${FIXTURES}/with-sdk`, '--format', 'sarif']);
    assert.strictEqual(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout);
    assert.strictEqual(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.strictEqual(log.runs.length, 1);
    const run = log.runs[0];
    const driver = run.tool.driver;
    assert.strictEqual(driver.name, 'durable-lens');
    assert.match(driver.version, /^\d+\.\d+\.\d+/);
    assert.deepStrictEqual(driver.rules.map((x: { id: string }) => x.id), [...RULE_IDS]);
    for (const rule of driver.rules) {
      // The rule's page shipped in the package travels in the log (no absolute URI exists for it: no helpUri).
      assert.strictEqual(rule.helpUri, undefined);
      assert.strictEqual(rule.help.markdown, fs.readFileSync(path.join(ROOT, 'docs', 'rules', `${rule.id}.md`), 'utf8'));
      assert.match(rule.help.text, new RegExp(`docs/rules/${rule.id}\\.md`));
      assert.ok(rule.shortDescription.text.length > 0);
      assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
    }
    assert.match(run.originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/\/.*\/$/);
    assert.ok(run.results.length >= 7);
    for (const res of run.results) {
      assert.strictEqual(driver.rules[res.ruleIndex].id, res.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(res.level));
      assert.ok(res.message.text.length > 0);
      const loc = res.locations[0].physicalLocation;
      assert.strictEqual(loc.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(!/^(\/|file:)/.test(loc.artifactLocation.uri), 'relative artifact URI');
      assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
      assert.ok(loc.region.endLine > loc.region.startLine || loc.region.endColumn > loc.region.startColumn);
    }
    const info = run.results.find((x: { ruleId: string }) => x.ruleId === 'replayed-side-effect-log');
    assert.strictEqual(info.level, 'note');
    const random = run.results.find((x: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.ruleId === 'nondeterministic-call' && x.locations[0].physicalLocation.artifactLocation.uri.endsWith('handler.ts'));
    assert.deepStrictEqual(random.locations[0].physicalLocation.region, { startLine: 6, startColumn: 19, endLine: 6, endColumn: 31 });
  });

  it('a solution tsconfig (references only) checks the referenced projects, helpers across them followed', () => {
    const tsconfig = (extra: object) => JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, composite: true, types: [] }, ...extra });
    const dir = tempProject({
      'tsconfig.json': JSON.stringify({ files: [], references: [{ path: './handlers' }, { path: './shared' }] }),
      'shared/tsconfig.json': tsconfig({ include: ['*.ts'] }),
      'shared/ids.ts': 'export function newId(): string {\n  return String(Math.random());\n}\n',
      'handlers/tsconfig.json': tsconfig({ include: ['*.ts'], references: [{ path: '../shared' }] }),
      'handlers/order.ts': `${HANDLER_HEAD}import { newId } from '../shared/ids.js';\nexport const handler = withDurableExecution(async (event: any, context: any) => {\n  return newId();\n});\n`,
    });
    temps.push(dir);
    const r = cli(['check', '--format', 'json'], { cwd: dir });
    assert.strictEqual(r.code, 1, r.stderr + r.stdout);
    const ds = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
    assert.deepStrictEqual(ds.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`), ['shared/ids.ts:2:17 nondeterministic-call']);
  });

  it('bad usage: usage on stderr and exit 2', () => {
    for (const args of [[], ['frobnicate'], ['check', '--bogus'], ['check', '--format', 'xml'], ['check', '--format'], ['check', 'no/such/path.ts'], ['check', '--project', 'no/such/tsconfig.json']]) {
      const r = cli(args);
      assert.strictEqual(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.strictEqual(r.stdout, '', `${args.join(' ')} prints nothing on stdout`);
      assert.ok(r.stderr.length > 0);
    }
    assert.match(cli(['frobnicate']).stderr, /unknown command "frobnicate"[\s\S]*Usage: durable-lens/);
  });

  it('an invalid durable-lens.json is a failure (exit 2) naming the problem', () => {
    const dir = tempProject({ 'durable-lens.json': '{"rules": {"io-outside-step": "loud"}}', 'a.ts': 'export const x = 1;\n' });
    temps.push(dir);
    const r = cli(['check', '.'], { cwd: dir });
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /io-outside-step.*off, info, warning, error/);
  });

  it('--help and --version', () => {
    const help = cli(['--help']);
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /check \[paths…\] \[--project tsconfig\.json\] \[--format text\|json\|sarif\]/);
    const version = cli(['--version']);
    assert.strictEqual(version.code, 0);
    assert.strictEqual(version.stdout.trim(), (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('runs through `npm run --silent cli -- check`', () => {
    const r = spawnSync('npm', ['run', '--silent', 'cli', '--', 'check', `${FIXTURES}/config-file`, '--format', 'json'], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
    assert.strictEqual(r.status, 1, r.stderr);
    assert.strictEqual((JSON.parse(r.stdout) as { diagnostics: unknown[] }).diagnostics.length, 1);
  });
});
