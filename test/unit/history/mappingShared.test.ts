// Unit tests (node, mocha): mapHistory and chooseHandler over the 49 shared histories, each against the
// handler we wrote from it (test/fixtures/mapping/shared, checked against the SDK by `record.js shared`) and
// against an unrelated one: every operation event is mapped or reported as drift with a message, never dropped.
import * as assert from 'assert';
import * as path from 'path';
import type { OperationTree } from '../../../src/core/analysis/operationTree';
import { chooseHandler, mapHistory } from '../../../src/core/history/mapping';
import type { HistoryMapping } from '../../../src/core/history/mappingTypes';
import type { ExecutionRecord } from '../../../src/core/history/record';
import { FixtureProject, loadRecord, MAPPING_DIR, pathsOf, tsFiles, where } from './mapping.test';
import { historyFiles, SHARED_DIR } from './support';

const RECONSTRUCTIONS = path.join(MAPPING_DIR, 'shared');
const UNRELATED = path.join(MAPPING_DIR, 'unrelated.ts');

/** A few names, then how many more (49 names make an unreadable failure). */
const listed = (names: readonly string[]): string => (names.length <= 6 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`);

const nameOf = (historyFile: string): string => path.basename(historyFile).replace(/\.history\.json$/, '');

/** Every event that belongs to an operation has its operation in the mapping, mapped or with a drift message. */
function accountedFor(record: ExecutionRecord, mapping: HistoryMapping): string[] {
  const problems: string[] = [];
  record.eventOwners.forEach((owner, i) => {
    if (owner.kind === 'problem') problems.push(`event ${i} is a problem: ${record.problems.join('; ')}`);
    if (owner.kind !== 'operation') return;
    const m = mapping.matches.get(owner.id);
    if (!m) problems.push(`event ${i} (${record.events[i]!.EventType}) of ${owner.id}: its operation is not in the mapping`);
    else if (m.node === undefined && !m.drift) problems.push(`${owner.id}: neither mapped nor reported`);
    else if (m.drift && m.drift.message.trim() === '') problems.push(`${owner.id}: drift ${m.drift.kind} without a message`);
    else if (m.drift && !mapping.drift.includes(m.drift)) problems.push(`${owner.id}: its drift is not in the drift list`);
  });
  if (mapping.matches.size !== record.operations.length) problems.push(`${mapping.matches.size} matches for ${record.operations.length} operations`);
  return problems;
}

/**
 * The recorded shape of a history (path, type, SubType, name per operation; a combinator's 1.x STEP and 2.x
 * CONTEXT alike): two histories with the same shape cannot tell their handlers apart.
 */
function shapeOf(record: ExecutionRecord): string {
  const paths = pathsOf(record);
  return record.operations
    .map((o) => `${paths.get(o.id)} ${o.kind.startsWith('promise.') ? 'combinator' : `${o.type}/${o.subType}`} ${o.name ?? ''}`)
    .sort()
    .join('|');
}

describe('history mapping: the 49 shared histories', function () {
  const files = historyFiles(SHARED_DIR);
  let project: FixtureProject;
  const records = new Map<string, ExecutionRecord>();
  const trees = new Map<string, OperationTree>();

  before(function () {
    this.timeout(180000);
    project = new FixtureProject([...tsFiles(RECONSTRUCTIONS), UNRELATED]);
    for (const f of files) {
      records.set(nameOf(f), loadRecord(f));
      trees.set(nameOf(f), project.tree(path.join(RECONSTRUCTIONS, `${nameOf(f)}.ts`)));
    }
  });

  it('all 49 are here, each with a reconstruction', function () {
    assert.strictEqual(files.length, 49, `shared histories in ${SHARED_DIR}`);
    assert.deepStrictEqual(tsFiles(RECONSTRUCTIONS).map((f) => path.basename(f, '.ts')), files.map(nameOf));
  });

  it('each maps onto its reconstruction: every operation event at a call site, no drift', function () {
    const problems: string[] = [];
    for (const [name, record] of records) {
      const mapping = mapHistory(record, trees.get(name)!);
      problems.push(...accountedFor(record, mapping).map((p) => `${name}: ${p}`));
      for (const d of mapping.drift) problems.push(`${name}: ${d.kind} ${d.path ?? ''}: ${d.message}`);
      for (const m of mapping.matches.values()) if (!m.node) problems.push(`${name}: ${m.path} not mapped`);
      if (mapping.fit.matched !== record.operations.length) problems.push(`${name}: fit ${mapping.fit.matched}/${mapping.fit.total}`);
    }
    assert.deepStrictEqual(problems, [], problems.join('\n'));
  });

  it('each maps kind for kind: a recorded step onto a step call, a map item onto its map, a combinator onto context.promise.*', function () {
    const problems: string[] = [];
    for (const [name, record] of records) {
      const mapping = mapHistory(record, trees.get(name)!);
      for (const op of record.operations) {
        const m = mapping.matches.get(op.id)!;
        if (!m.node) continue;
        const want = op.kind === 'map.item' ? 'map' : op.kind === 'parallel.branch' ? 'parallel' : op.kind.startsWith('waitForCallback.') ? 'waitForCallback' : op.kind;
        if (m.node.kind !== want) problems.push(`${name} ${m.path}: recorded ${op.kind}, mapped onto ${where(m.node)}`);
      }
    }
    assert.deepStrictEqual(problems, [], problems.join('\n'));
  });

  it('against an unrelated handler every operation is still accounted for, as drift with a message', function () {
    const unrelated = project.tree(UNRELATED);
    const problems: string[] = [];
    for (const [name, record] of records) {
      const mapping = mapHistory(record, unrelated);
      problems.push(...accountedFor(record, mapping).map((p) => `${name}: ${p}`));
      // The unrelated handler has only invoke and createCallback, which no shared history has: nothing fits.
      for (const m of mapping.matches.values()) if (!m.drift) problems.push(`${name}: ${m.path} mapped onto ${where(m.node)} without drift`);
      if (mapping.fit.matched !== 0) problems.push(`${name}: fit ${mapping.fit.matched}/${mapping.fit.total}`);
    }
    assert.deepStrictEqual(problems, [], problems.join('\n'));
  });

  /**
   * What chooseHandler must say for one history. A SUCCEEDED execution ran every operation its handler
   * reaches, so its own reconstruction fits, or, for identical shapes, exactly the twins are ambiguous. A
   * FAILED one may have stopped before later operations: handlers it is a prefix of may be candidates too.
   */
  function choiceProblem(name: string, all: readonly OperationTree[], shapes: ReadonlyMap<string, string>): string | undefined {
    const record = records.get(name)!;
    const twins = [...shapes].filter(([, s]) => s === shapes.get(name)).map(([n]) => n).sort();
    const choice = chooseHandler(record, all);
    const nameOfTree = (t: OperationTree): string => [...trees].find(([, x]) => x === t)?.[0] ?? '?';
    const got =
      choice.kind === 'fits' ? nameOfTree(choice.mapping.tree) : choice.kind === 'ambiguous' ? `ambiguous among ${listed(choice.candidates.map((m) => nameOfTree(m.tree)))}` : 'none';
    const candidates = choice.kind === 'fits' ? [nameOfTree(choice.mapping.tree)] : choice.kind === 'ambiguous' ? choice.candidates.map((m) => nameOfTree(m.tree)).sort() : [];
    if (record.execution.status === 'FAILED') {
      if (!twins.every((t) => candidates.includes(t))) return `${name} (failed): expected ${twins.join(', ')} among the candidates, got ${got}`;
      if (twins.length > 1 && choice.kind !== 'ambiguous') return `${name} (failed): identical in shape to ${twins.filter((t) => t !== name).join(', ')}, expected ambiguity, got ${got}`;
      return undefined;
    }
    if (twins.length === 1) return choice.kind === 'fits' && candidates[0] === name ? undefined : `${name}: expected its own reconstruction, got ${got}`;
    if (choice.kind !== 'ambiguous') return `${name}: identical in shape to ${twins.filter((t) => t !== name).join(', ')}, expected ambiguity, got ${got}`;
    return JSON.stringify(candidates) === JSON.stringify(twins) ? undefined : `${name}: expected ambiguity among exactly ${twins.join(', ')}, got ${got}`;
  }

  /**
   * Succeeded executions whose handler chooseHandler cannot single out today: each is a prefix of another
   * reconstruction (the other handler has operations after the last recorded one, which a succeeded run would
   * have recorded), and chooseHandler scores those trailing operations as nothing.
   */
  const PREFIX_BUG = new Set([
    'hello-world__hello-world',
    'simple-execution__simple-execution',
    'logger-test__after-wait__logger-after-wait',
    'multiple-waits__multiple-waits',
    'step__basic__step-basic',
    'step__step-error-determinism__step-error-determinism',
    'step__with-retry__step-with-retry',
    'wait__basic__wait',
    'wait__unawaited__wait-unawaited',
  ]);

  it('chooseHandler over all 49 reconstructions picks the right one, or reports ambiguity among identical shapes', function () {
    const all = [...trees.values()];
    const shapes = new Map([...records].map(([name, r]) => [name, shapeOf(r)]));
    const problems: string[] = [];
    for (const name of records.keys()) {
      if (PREFIX_BUG.has(name)) continue;
      const p = choiceProblem(name, all, shapes);
      if (p) problems.push(p);
    }
    assert.strictEqual(records.size - PREFIX_BUG.size, 40);
    assert.deepStrictEqual(problems, [], problems.join('\n'));
  });

  it('chooseHandler singles out the handler of a succeeded history that is a prefix of another handler', function () {
    const all = [...trees.values()];
    const shapes = new Map([...records].map(([name, r]) => [name, shapeOf(r)]));
    const problems = [...PREFIX_BUG].map((name) => choiceProblem(name, all, shapes)).filter((p): p is string => p !== undefined);
    assert.deepStrictEqual(problems, [], problems.join('\n'));
  });

  it('chooseHandler finds none when only the unrelated handler is offered (a history with operations)', function () {
    const unrelated = project.tree(UNRELATED);
    const wrong: string[] = [];
    for (const [name, record] of records) {
      if (record.operations.length === 0) continue;
      const choice = chooseHandler(record, [unrelated]);
      if (choice.kind !== 'none') wrong.push(`${name}: ${choice.kind}`);
    }
    assert.deepStrictEqual(wrong, []);
  });
});
