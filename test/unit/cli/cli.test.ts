// Unit tier (node): the built CLI (dist/cli.js) run as a process on fixture projects: exit codes, the JSON
// contract (1-based positions), SARIF 2.1.0 shape, folder search, usage errors and configuration.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runCheckCommand } from '../../../src/cli/checkCommand';
import { nodeSourceFs } from '../../../src/cli/sourceText';
import { RULE_IDS } from '../../../src/core/rules/catalog';
import { CLI, ROOT, runCli as cli, tempProjects, type JsonDiagnostic } from './cliHarness';

const FIXTURES = 'test/fixtures/tsserver';

const HANDLER_HEAD = `import { withDurableExecution } from '@aws/durable-execution-sdk-js';\n`;

describe('durable-lens CLI (dist/cli.js)', function () {
  this.timeout(60000);
  const tempProject = tempProjects('dl-cli-');

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
    assert.match(lines[header + 1], /^ {2}6:19 +error +`?randomUUID\(\)`?.* nondeterministic-call$/);
    // 8 with the handler's call into helpers.ts, which leads to the Math.random there (issue 11).
    assert.match(r.stdout, /8 problems \(7 errors, 0 warnings, 1 info\), 2 files checked/);
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
    const r = cli(['check', '--format', 'json'], { cwd: dir });
    assert.strictEqual(r.code, 1, r.stderr + r.stdout);
    const ds = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
    assert.deepStrictEqual(ds.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`), ['handlers/order.ts:4:10 nondeterministic-call', 'shared/ids.ts:2:17 nondeterministic-call'], 'the call into shared/ids.ts and the finding there');
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

  it('a path that is not there: one line naming it, exit 2, no usage text', () => {
    const r = cli(['check', 'no/such/path.ts']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /^durable-lens: no such file or folder: .*no\/such\/path\.ts\n$/);
  });

  it('an invalid durable-lens.json is a failure (exit 2) naming the problem', () => {
    const dir = tempProject({ 'durable-lens.json': '{"rules": {"io-outside-step": "loud"}}', 'a.ts': 'export const x = 1;\n' });
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

describe('durable-lens check on bad input: one line naming the file and the cause, exit 2, the rest still checked', function () {
  this.timeout(60000);
  const tempProject = tempProjects('dl-cli-');
  const GOOD = `${HANDLER_HEAD}export const handler = withDurableExecution(async (event: unknown, context: unknown) => {\n  return Date.now();\n});\n`;
  const project = (files: Record<string, string>) => tempProject({ 'good.ts': GOOD, ...files });
  /** The good file's finding is still reported (line 3, the Date.now()). */
  const goodStillChecked = (r: { stdout: string }) => {
    const out = JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] };
    assert.deepStrictEqual(out.diagnostics.filter((d) => d.file === 'good.ts').map((d) => `${d.line}:${d.rule}`), ['3:nondeterministic-call']);
  };
  const lines = (stderr: string) => stderr.split('\n').filter((l) => l.length > 0);

  it('a file that cannot be read (here a directory listed as a file in tsconfig.json)', () => {
    const dir = project({ 'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true }, files: ['good.ts', 'x.ts'] }) });
    fs.mkdirSync(path.join(dir, 'x.ts'));
    const r = cli(['check', '--format', 'json'], { cwd: dir });
    assert.strictEqual(r.code, 2, r.stderr);
    assert.deepStrictEqual(lines(r.stderr), ['durable-lens: x.ts is a directory, not a source file']);
    goodStillChecked(r);
  });

  it('a file whose read fails with EACCES (as chmod 000 does for a non-root user), through an injected file system', async () => {
    const dir = project({ 'locked.ts': GOOD });
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCheckCommand(['.', '--format', 'json'], { out: (s) => out.push(s), err: (s) => err.push(s), cwd: dir, color: false }, {
      fs: {
        statSync: nodeSourceFs.statSync,
        readFileSync: (f) => {
          if (f.endsWith('locked.ts')) throw Object.assign(new Error(`EACCES: permission denied, open '${f}'`), { code: 'EACCES' });
          return nodeSourceFs.readFileSync(f);
        },
      },
    });
    assert.strictEqual(code, 2);
    assert.deepStrictEqual(lines(err.join('')), ['durable-lens: locked.ts cannot be read (EACCES: permission denied)']);
    goodStillChecked({ stdout: out.join('') });
  });

  it('tsconfig.json that is not valid JSON, or extends a missing file: reported like tsc', () => {
    const bad = project({ 'tsconfig.json': '{ "compilerOptions": { "strict": true } "include": ["*.ts"] }' });
    let r = cli(['check', '--format', 'json'], { cwd: bad });
    assert.strictEqual(r.code, 2, r.stderr);
    assert.match(lines(r.stderr)[0]!, /^durable-lens: tsconfig\.json\(1,\d+\): error TS1005: ',' expected\.$/);
    goodStillChecked(r);
    const ext = project({ 'tsconfig.json': JSON.stringify({ extends: './base/missing.json', include: ['*.ts'] }) });
    r = cli(['check', '--format', 'json'], { cwd: ext });
    assert.strictEqual(r.code, 2, r.stderr);
    assert.strictEqual(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /error TS5083: Cannot read file '.*base\/missing\.json'/);
    goodStillChecked(r);
  });

  it('nesting deeper than the parser can take (5,000 ifs, 2,000 arrows); code near the limit keeps its findings', () => {
    const deepIfs = `${HANDLER_HEAD}export const handler = withDurableExecution(async (e: any) => {\n${'if (e.x) {\n'.repeat(5000)}Date.now();\n${'}\n'.repeat(5000)}});\n`;
    const deepArrows = `${HANDLER_HEAD}export const handler = withDurableExecution(async (e: any) => {\n  const f = ${'() => '.repeat(2000)}Date.now();\n  return f;\n});\n`;
    const nearLimit = `${HANDLER_HEAD}export const handler = withDurableExecution(async (e: any) => {\n${'if (e.x) {\n'.repeat(400)}Date.now();\n${'}\n'.repeat(400)}});\n`;
    const dir = project({ 'ifs.ts': deepIfs, 'arrows.ts': deepArrows, 'near.ts': nearLimit });
    for (let run = 0; run < 3; run++) {
      const r = cli(['check', '.', '--format', 'json'], { cwd: dir });
      assert.strictEqual(r.code, 2, r.stderr);
      assert.doesNotMatch(r.stderr, /RangeError|unexpected failure|    at /);
      assert.deepStrictEqual(lines(r.stderr).sort(), [
        'durable-lens: arrows.ts nests deeper than the TypeScript parser can take (maximum call stack size exceeded)',
        'durable-lens: ifs.ts nests deeper than the TypeScript parser can take (maximum call stack size exceeded)',
      ]);
      goodStillChecked(r);
      const near = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.filter((d) => d.file === 'near.ts');
      assert.deepStrictEqual(near.map((d) => `${d.line}:${d.rule}`), ['403:nondeterministic-call'], `run ${run}: near the limit is analysed, every time`);
    }
  });

  it('a FIFO named handler.ts does not hang, given by name or found in a folder', function () {
    const dir = project({});
    const fifo = spawnSync('mkfifo', [path.join(dir, 'handler.ts')]);
    if (fifo.status !== 0) this.skip(); // no mkfifo on this platform (Windows): nothing to test
    for (const args of [['check', 'handler.ts', 'good.ts', '--format', 'json'], ['check', '.', '--format', 'json']]) {
      const r = cli(args, { cwd: dir });
      assert.strictEqual(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.deepStrictEqual(lines(r.stderr), ['durable-lens: handler.ts is a FIFO (named pipe), not a source file']);
      goodStillChecked(r);
    }
  });

  it('a binary file named .ts', () => {
    const dir = project({});
    fs.writeFileSync(path.join(dir, 'blob.ts'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x3e, 0x00]));
    const r = cli(['check', '.', '--format', 'json'], { cwd: dir });
    assert.strictEqual(r.code, 2, r.stderr);
    assert.deepStrictEqual(lines(r.stderr), ['durable-lens: blob.ts is a binary file (it contains NUL bytes), not source text']);
    goodStillChecked(r);
  });

  it('a UTF-16 file with a BOM (LE and BE): check and graph see the same handler', () => {
    const dir = project({});
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(GOOD, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    fs.writeFileSync(path.join(dir, 'le.ts'), le);
    fs.writeFileSync(path.join(dir, 'be.ts'), be);
    const r = cli(['check', '.', '--format', 'json'], { cwd: dir });
    assert.strictEqual(r.code, 1, r.stderr);
    const found = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.map((d) => `${d.file} ${d.line}:${d.column} ${d.rule}`);
    assert.deepStrictEqual(found.sort(), ['be.ts 3:10 nondeterministic-call', 'good.ts 3:10 nondeterministic-call', 'le.ts 3:10 nondeterministic-call']);
    for (const f of ['le.ts', 'be.ts']) {
      const g = cli(['graph', f, '--format', 'json'], { cwd: dir });
      assert.strictEqual(g.code, 0, g.stderr);
      assert.deepStrictEqual((JSON.parse(g.stdout) as { handlers: { name: string; line: number }[] }).handlers.map((h) => `${h.name}:${h.line}`), ['handler:2']);
    }
  });

  it('a file over 1,000,000 characters: one note, not analysed, the others are', () => {
    const big = `${GOOD}// ${'x'.repeat(1_000_001)}\n`;
    const dir = project({ 'big.ts': big });
    const r = cli(['check', '.', '--format', 'json'], { cwd: dir });
    assert.strictEqual(r.code, 1, r.stderr);
    assert.deepStrictEqual(lines(r.stderr), [`durable-lens: note: skipped big.ts: ${big.length.toLocaleString('en-US')} characters, over the 1,000,000-character limit for analysis`]);
    goodStillChecked(r);
  });

  it('an unexpected failure is one line without a stack; --verbose adds it', () => {
    const dir = project({ 'tsconfig.json': '{}' });
    // A --project that is a directory without tsconfig.json is a usage error, not a crash; a crash needs a broken
    // TypeScript: point the project's `typescript` at a module whose createProgram throws.
    fs.mkdirSync(path.join(dir, 'node_modules', 'typescript'), { recursive: true });
    const real = require.resolve('typescript');
    fs.writeFileSync(
      path.join(dir, 'node_modules', 'typescript', 'index.js'),
      `const ts = require(${JSON.stringify(real)});\nmodule.exports = { ...ts, createProgram() { throw new Error('compiler exploded'); } };\n`
    );
    fs.writeFileSync(path.join(dir, 'node_modules', 'typescript', 'package.json'), '{"name":"typescript","main":"index.js"}');
    const r = cli(['check', 'good.ts'], { cwd: dir });
    assert.strictEqual(r.code, 2);
    assert.deepStrictEqual(lines(r.stderr), ['durable-lens: unexpected failure: compiler exploded (run with --verbose for the detail)']);
    const v = cli(['check', 'good.ts', '--verbose'], { cwd: dir });
    assert.strictEqual(v.code, 2);
    assert.match(v.stderr, /unexpected failure: compiler exploded\n.*Error: compiler exploded\n\s+at /);
  });
});
