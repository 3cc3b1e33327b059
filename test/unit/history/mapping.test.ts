// Unit tests (node, mocha): mapHistory over histories recorded with the AWS testing SDK from our own handlers
// (test/fixtures/mapping/handlers): every recorded operation maps to the call site marked `// @op <label>` in
// the source, with the right index, iteration and role, nothing unmapped and no drift. Also exports the
// fixture loading the other mapping*.test.ts files share (one real Program per fixture folder).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { findDurableFunctions } from '../../../src/core/analysis/handlers';
import { operationTree, type OperationNode, type OperationTree } from '../../../src/core/analysis/operationTree';
import { parseHistoryText } from '../../../src/core/history/events';
import { recoverPathsDetailed } from '../../../src/core/history/ids';
import { mapHistory } from '../../../src/core/history/mapping';
import type { HistoryMapping, OperationMatch } from '../../../src/core/history/mappingTypes';
import { buildExecutionRecord, type ExecutionRecord } from '../../../src/core/history/record';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const MAPPING_DIR = path.join(ROOT, 'test', 'fixtures', 'mapping');

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
  noEmit: true,
};

/** The fixtures of one folder in one real Program (the SDK's own types from node_modules), handlers found in each file. */
export class FixtureProject {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;

  constructor(readonly files: readonly string[]) {
    this.program = ts.createProgram(files, compilerOptions);
    this.checker = this.program.getTypeChecker();
    // As the analysis does: scan every file first, so helpers in other files know their callers.
    for (const sf of this.program.getSourceFiles()) if (!sf.isDeclarationFile) findDurableFunctions(ts, sf, this.checker);
  }

  /** The operation tree of the file's handler (the one `withDurableExecution` wraps). */
  tree(file: string): OperationTree {
    const sf = this.program.getSourceFile(file);
    assert.ok(sf, `${file} is not in the program`);
    const handler = findDurableFunctions(ts, sf, this.checker).find((d) => d.kind === 'handler');
    assert.ok(handler, `no handler found in ${path.relative(ROOT, file)}`);
    return operationTree(ts, handler, this.checker);
  }
}

export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out.sort();
}

export function loadRecord(file: string): ExecutionRecord {
  const parsed = parseHistoryText(fs.readFileSync(file, 'utf8'));
  assert.deepStrictEqual(parsed.problems, [], `${file} parses cleanly`);
  const record = buildExecutionRecord(parsed.events);
  assert.deepStrictEqual(record.problems, [], `${file} builds a record without problems`);
  return record;
}

/** Recorded operation id -> path ("1-2-1"), every id resolved. */
export function pathsOf(record: ExecutionRecord): Map<string, string> {
  const r = recoverPathsDetailed(record);
  assert.deepStrictEqual(r.unresolved, [], 'every recorded id has a path');
  return r.paths;
}

/** `// @op <label>` marks of a file: label -> 1-based line. */
export function marksOf(file: string): Map<string, number> {
  const marks = new Map<string, number>();
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /\/\/ @op (\S+)/.exec(text);
      if (m) {
        assert.ok(!marks.has(m[1]!), `${file}: mark ${m[1]} twice`);
        marks.set(m[1]!, i + 1);
      }
    });
  return marks;
}

export function where(node: OperationNode | undefined): string {
  return node ? `${path.basename(node.file)}:${node.line} ${node.kind} ${node.name ?? '(unnamed)'}` : 'nothing';
}

/** What the recorded operation at one path must map to. */
interface Expect {
  /** The mark on the call site's line. */
  readonly at: string;
  /** Another file of the fixture holding the mark (relative to handlers/). */
  readonly file?: string;
  /** The call site's kind, where a line holds several calls. */
  readonly kind?: string;
  readonly role?: OperationMatch['role'];
  readonly index?: number;
  readonly iteration?: number;
}

interface Fixture {
  readonly name: string;
  /** Recorded path -> expected call site: every recorded operation is listed. */
  readonly expect: Readonly<Record<string, string | Expect>>;
}

const item = (at: string, index: number): Expect => ({ at, role: 'item', index });
const branch = (at: string, index: number): Expect => ({ at, role: 'branch', index });
const iter = (at: string, iteration: number): Expect => ({ at, iteration });

const FIXTURES: readonly Fixture[] = [
  { name: 'straightLine', expect: { '1': 'first', '2': 'pause', '3': 'named', '4': 'last' } },
  { name: 'forLoop', expect: { '1': iter('add', 0), '2': iter('add', 1), '3': iter('add', 2), '4': 'total' } },
  {
    name: 'whileCounter',
    expect: {
      '1': iter('increment', 0),
      '2': iter('breathe', 0),
      '3': iter('increment', 1),
      '4': iter('breathe', 1),
      '5': iter('increment', 2),
      '6': iter('breathe', 2),
      '7': 'done',
    },
  },
  { name: 'ifElse', expect: { '1': 'standard', '2': 'charge' } },
  { name: 'tryCatch', expect: { '1': 'charge', '2': 'refund', '3': 'notify' } },
  {
    name: 'mapItems',
    expect: {
      '1': { at: 'charge-all', role: 'operation' },
      '1-1': item('charge-all', 0),
      '1-2': item('charge-all', 1),
      '1-3': item('charge-all', 2),
      '1-1-1': 'charge-item',
      '1-2-1': 'charge-item',
      '1-3-1': 'charge-item',
      // FLAT: no item contexts in the history; the steps keep their 2-i-1 paths.
      '2': { at: 'pack-all', role: 'operation' },
      '2-1-1': 'pack-item',
      '2-2-1': 'pack-item',
      '2-3-1': 'pack-item',
    },
  },
  {
    name: 'parallelBranches',
    expect: {
      '1': { at: 'fan-out', role: 'operation' },
      '1-1': branch('fan-out', 0),
      '1-2': branch('fan-out', 1),
      '1-1-1': 'left-step',
      '1-2-1': 'right-wait',
      '1-2-2': 'right-step',
      '2': { at: 'unnamed-parallel', role: 'operation' },
      '2-1': branch('unnamed-parallel', 0),
      '2-1-1': 'only-step',
    },
  },
  { name: 'childNested', expect: { '1': 'outer', '1-1': 'outer-step', '1-2': 'inner', '1-2-1': 'inner-wait', '1-2-2': 'inner-step', '2': 'after' } },
  {
    name: 'callbacks',
    expect: {
      '1': { at: 'approval', role: 'operation' },
      '1-1': { at: 'approval', role: 'callback' },
      '1-2': { at: 'approval', role: 'submitter' },
      '2': 'ticket',
      '3': 'record',
    },
  },
  {
    name: 'combinators',
    expect: {
      '1': { at: 'all', kind: 'step' },
      '2': { at: 'all', kind: 'step' },
      '3': { at: 'all', kind: 'promise.all' },
      '4': { at: 'later', kind: 'step' },
      '5': { at: 'later', kind: 'step' },
      '6': 'between',
      // Numbered at its first await, after `between`.
      '7': { at: 'later', kind: 'promise.race' },
      '8': 'no',
      '9': 'yes',
      '10': { at: 'any', kind: 'promise.any' },
      '11': { at: 'settled', kind: 'step' },
      '12': { at: 'settled', kind: 'promise.allSettled' },
    },
  },
  { name: 'invoke', expect: { '1': 'price', '2': 'pay', '3': 'receipt' } },
  {
    name: 'helperTwice',
    expect: {
      '1': { at: 'label', file: 'helpers/shipping.ts' },
      '2': { at: 'settle', file: 'helpers/shipping.ts' },
      '3': { at: 'label', file: 'helpers/shipping.ts' },
      '4': { at: 'settle', file: 'helpers/shipping.ts' },
      '5': 'summary',
    },
  },
  { name: 'classContext', expect: { '1': 'reserve', '2': 'settle', '3': 'confirm' } },
];

/** The recorded kind a call site of `node.kind` produces in `role`. */
function roleOf(kind: string): OperationMatch['role'] {
  if (kind === 'map.item') return 'item';
  if (kind === 'parallel.branch') return 'branch';
  if (kind === 'waitForCallback.callback') return 'callback';
  if (kind === 'waitForCallback.submitter') return 'submitter';
  return 'operation';
}

describe('history mapping: our recordings map exactly onto the marked call sites', function () {
  const handlersDir = path.join(MAPPING_DIR, 'handlers');
  let project: FixtureProject;
  const mappings = new Map<string, { mapping: HistoryMapping; record: ExecutionRecord }>();

  before(function () {
    this.timeout(120000);
    project = new FixtureProject(tsFiles(handlersDir));
  });

  function mapped(name: string): { mapping: HistoryMapping; record: ExecutionRecord } {
    let m = mappings.get(name);
    if (!m) {
      const record = loadRecord(path.join(handlersDir, `${name}.history.json`));
      m = { record, mapping: mapHistory(record, project.tree(path.join(handlersDir, `${name}.ts`))) };
      mappings.set(name, m);
    }
    return m;
  }

  it('every handler in the folder has a recording and a table here (none forgotten)', function () {
    const onDisk = fs
      .readdirSync(handlersDir)
      .filter((f) => f.endsWith('.history.json'))
      .map((f) => f.replace(/\.history\.json$/, ''))
      .sort();
    assert.deepStrictEqual(onDisk, FIXTURES.map((f) => f.name).sort());
  });

  for (const fixture of FIXTURES) {
    it(`${fixture.name}: each recorded operation at its marked line, with index, iteration and role; no drift`, function () {
      const { record, mapping } = mapped(fixture.name);
      const paths = pathsOf(record);
      const ownFile = path.join(handlersDir, `${fixture.name}.ts`);
      // Every recorded operation is in the table, and the table has nothing the recording lacks.
      assert.deepStrictEqual(
        record.operations.map((o) => paths.get(o.id)).sort(),
        Object.keys(fixture.expect).sort(),
        'the table lists exactly the recorded paths',
      );
      assert.strictEqual(mapping.matches.size, record.operations.length, 'one match per recorded operation');
      const problems: string[] = [];
      for (const op of record.operations) {
        const p = paths.get(op.id)!;
        const raw = fixture.expect[p]!;
        const e: Expect = typeof raw === 'string' ? { at: raw } : raw;
        const file = e.file ? path.join(handlersDir, e.file) : ownFile;
        const line = marksOf(file).get(e.at);
        assert.ok(line, `${fixture.name}: no mark ${e.at} in ${e.file ?? `${fixture.name}.ts`}`);
        const m = mapping.matches.get(op.id);
        if (!m) {
          problems.push(`${p}: no match at all`);
          continue;
        }
        const got = `${where(m.node)} role=${m.role} index=${m.index} iteration=${m.iteration}${m.drift ? ` drift=${m.drift.kind}: ${m.drift.message}` : ''}`;
        const want = `${path.basename(file)}:${line}${e.kind ? ` ${e.kind}` : ''} role=${e.role ?? roleOf(op.kind)}${e.index !== undefined ? ` index=${e.index}` : ''}${e.iteration !== undefined ? ` iteration=${e.iteration}` : ''}`;
        const ok =
          m.node !== undefined &&
          m.drift === undefined &&
          path.resolve(m.node.file) === path.resolve(file) &&
          m.node.line === line &&
          (e.kind === undefined || m.node.kind === e.kind) &&
          (m.role ?? 'operation') === (e.role ?? roleOf(op.kind)) &&
          (e.index === undefined || m.index === e.index) &&
          (e.iteration === undefined ? m.iteration === undefined || m.iteration === 0 : m.iteration === e.iteration) &&
          m.path === p;
        if (!ok) problems.push(`${p} (${op.kind} ${op.name ?? 'unnamed'}): expected ${want}, got ${got} path=${m.path}`);
      }
      assert.deepStrictEqual(problems, [], problems.join('\n'));
      assert.deepStrictEqual(
        mapping.drift.map((d) => `${d.kind} ${d.path ?? ''}: ${d.message}`),
        [],
        'no drift',
      );
      assert.deepStrictEqual(mapping.fit, { matched: record.operations.length, total: record.operations.length });
    });
  }

  it('hostile recorded names become data in drift messages: no control characters or line breaks, long names cut', function () {
    const tree = project.tree(path.join(handlersDir, 'straightLine.ts'));
    for (const name of ['hostile-names', 'hostile-everything']) {
      const record = loadRecord(path.join(ROOT, 'test', 'fixtures', 'history', `${name}.history.json`));
      const mapping = mapHistory(record, tree);
      assert.strictEqual(mapping.matches.size, record.operations.length, `${name}: every operation accounted for`);
      assert.ok(mapping.drift.length > 0, `${name}: its names differ from straightLine's`);
      for (const d of mapping.drift) {
        assert.ok(!/[\u0000-\u001f\u007f]/.test(d.message), `${name}: control character in ${JSON.stringify(d.message)}`);
        assert.ok(d.message.length < 400, `${name}: a ${d.message.length}-character message`);
      }
    }
  });

  it('hostile recorded names cannot reorder or hide text in drift messages (no bidi controls, no zero-width characters)', function () {
    const record = loadRecord(path.join(ROOT, 'test', 'fixtures', 'history', 'hostile-everything.history.json'));
    const mapping = mapHistory(record, project.tree(path.join(handlersDir, 'straightLine.ts')));
    const raw = mapping.drift.filter((d) => /[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/.test(d.message)).map((d) => JSON.stringify(d.message));
    assert.deepStrictEqual(raw, []);
  });

  it('byNode lists a loop\'s call site once with each of its recorded runs, in history order', function () {
    const { record, mapping } = mapped('whileCounter');
    const paths = pathsOf(record);
    const line = marksOf(path.join(handlersDir, 'whileCounter.ts')).get('increment');
    const node = [...mapping.byNode.keys()].find((n) => n.line === line);
    assert.ok(node, 'the increment call site is in byNode');
    assert.deepStrictEqual(mapping.byNode.get(node)!.map((id) => paths.get(id)), ['1', '3', '5']);
  });

  it('a helper called twice: each call\'s operations map into the helper\'s file, one tree node per expansion', function () {
    const { record, mapping } = mapped('helperTwice');
    const paths = pathsOf(record);
    const byPath = new Map(record.operations.map((o) => [paths.get(o.id)!, mapping.matches.get(o.id)!]));
    const first = byPath.get('1')!.node!;
    const second = byPath.get('3')!.node!;
    assert.strictEqual(path.basename(first.file), 'shipping.ts');
    assert.strictEqual(first.call, second.call, 'the same call expression in the helper');
    assert.notStrictEqual(first, second, 'but two nodes, one per call of the helper');
    assert.deepStrictEqual(first.via, ['shipParcel']);
  });
});
