// Unit tests (node, mocha): replayMismatches against what the real SDK does. Each case in
// test/fixtures/mapping/drift/cases.json is an edited copy of a recorded handler; record.js resumed the recorded
// execution with it under LocalDurableTestRunner and checked in the SDK's verdict (<case>.json): whether it
// failed with NonDeterministicExecutionError and at which operation. The mapping must agree case by case.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { mapHistory, replayMismatches } from '../../../src/core/history/mapping';
import { FixtureProject, loadRecord, MAPPING_DIR, marksOf, pathsOf, tsFiles, where } from './mapping.test';

const DRIFT_DIR = path.join(MAPPING_DIR, 'drift');

interface DriftCase {
  readonly file: string;
  readonly base: string;
  readonly edit: string;
  /** The mark of the call the SDK compared with the recorded operation when it broke (null: it did not break). */
  readonly at: string | null;
  /** The file holding that mark, when it is not the case's own (a helper in another file). */
  readonly atFile?: string;
  /** Set when static mapping cannot see this edit although the SDK breaks on it: why (see the skipped test). */
  readonly limit?: string;
  /** Set when the mapping gets this case wrong today: the bug (see the skipped test). */
  readonly bug?: string;
}

/** What the SDK did (written by record.js). */
interface SdkFact {
  readonly case: string;
  readonly status: string;
  readonly breaks: boolean;
  /** The path the SDK's message names (`mismatch for step "2"`). */
  readonly path: string | null;
  readonly errorType: string | null;
  readonly message: string | null;
  readonly invocations: number;
}

const cases: DriftCase[] = JSON.parse(fs.readFileSync(path.join(DRIFT_DIR, 'cases.json'), 'utf8'));

function fact(c: DriftCase): SdkFact {
  return JSON.parse(fs.readFileSync(path.join(DRIFT_DIR, `${c.file}.json`), 'utf8'));
}

describe('history mapping: drift agrees with the real SDK resuming the recorded execution', function () {
  let project: FixtureProject;

  before(function () {
    this.timeout(120000);
    project = new FixtureProject(tsFiles(DRIFT_DIR));
  });

  it('the recorded facts are what they claim: one per case, from a resumed run, errors only NonDeterministicExecutionError', function () {
    assert.ok(cases.length >= 8, 'the edits the task lists are all there');
    for (const c of cases) {
      const f = fact(c);
      assert.strictEqual(f.case, c.file);
      assert.ok(f.invocations >= 2, `${c.file}: the SDK resumed the execution (a second invocation ran the edited code)`);
      if (f.breaks) {
        assert.strictEqual(f.status, 'FAILED');
        assert.strictEqual(f.errorType, 'NonDeterministicExecutionError');
        assert.ok(f.path, `${c.file}: the SDK named the operation`);
      } else {
        assert.strictEqual(f.status, 'SUCCEEDED', `${c.file}: ${f.message}`);
      }
      assert.strictEqual(c.at !== null, f.breaks, `${c.file}: the case's expected call site matches the SDK's verdict`);
    }
  });

  for (const base of [...new Set(cases.map((c) => c.base))]) {
    it(`${base}: the unedited handler maps its own recording with no drift and no replay mismatch`, function () {
      const record = loadRecord(path.join(DRIFT_DIR, `${base}.history.json`));
      const mapping = mapHistory(record, project.tree(path.join(DRIFT_DIR, `${base}.ts`)));
      assert.deepStrictEqual(mapping.drift.map((d) => d.message), []);
      assert.deepStrictEqual(replayMismatches(mapping), []);
      assert.deepStrictEqual(mapping.fit, { matched: record.operations.length, total: record.operations.length });
    });
  }

  it('fit counts the recorded operations matched without drift (what chooseHandler ranks by), in every case', function () {
    const wrong: string[] = [];
    for (const c of cases) {
      const record = loadRecord(path.join(DRIFT_DIR, `${c.base}.history.json`));
      const mapping = mapHistory(record, project.tree(path.join(DRIFT_DIR, `${c.file}.ts`)));
      const clean = [...mapping.matches.values()].filter((m) => m.node !== undefined && m.drift === undefined).length;
      if (mapping.fit.matched !== clean || mapping.fit.total !== record.operations.length) {
        wrong.push(`${c.file}: fit ${mapping.fit.matched}/${mapping.fit.total}, but ${clean} of ${record.operations.length} operations match without drift`);
      }
    }
    assert.deepStrictEqual(wrong, []);
  });

  for (const c of cases) {
    const f = fact(c);
    const title = `${c.file} (${c.edit}): the SDK ${f.breaks ? `breaks at "${f.path}"` : 'resumes'}; replayMismatches agrees`;
    // Skipped: cases with `limit` (static mapping cannot see a loop's bound) or `bug` (a mapping bug, named there) in cases.json.
    const test = c.limit || c.bug ? it.skip : it;
    test(c.limit ? `${title} [limit: ${c.limit}]` : c.bug ? `${title} [bug: ${c.bug}]` : title, function () {
      const record = loadRecord(path.join(DRIFT_DIR, `${c.base}.history.json`));
      const paths = pathsOf(record);
      const file = path.join(DRIFT_DIR, `${c.file}.ts`);
      const mapping = mapHistory(record, project.tree(file));
      // Never silently dropped, whatever the verdict.
      assert.strictEqual(mapping.matches.size, record.operations.length);
      for (const d of mapping.drift) assert.ok(d.message.length > 0, `${d.kind} has a message`);
      for (const m of mapping.matches.values()) if (m.drift) assert.ok(mapping.drift.includes(m.drift), `the drift of ${m.path} is in the drift list`);
      const mismatches = replayMismatches(mapping);
      const shown = mismatches.map((d) => `${d.kind} at ${d.path ?? '?'} -> ${where(d.node)}: ${d.message}`);
      if (!f.breaks) {
        assert.deepStrictEqual(shown, [], `the SDK resumed ${c.file} without error`);
        return;
      }
      assert.ok(mismatches.length > 0, `the SDK failed with: ${f.message}`);
      const first = mismatches[0]!;
      assert.strictEqual(first.breaksReplay, true);
      const firstPath = first.path ?? (first.operationId ? paths.get(first.operationId) : undefined);
      assert.strictEqual(firstPath, f.path, `the first mismatch is where the SDK stopped (${f.message}); got ${shown.join(' | ')}`);
      const markFile = c.atFile ? path.join(DRIFT_DIR, c.atFile) : file;
      const line = marksOf(markFile).get(c.at!);
      assert.ok(line, `no mark ${c.at} in ${c.atFile ?? `${c.file}.ts`}`);
      assert.ok(first.node, `the call to underline is known: ${shown[0]}`);
      assert.strictEqual(path.resolve(first.node.file), path.resolve(markFile), `underlines in ${c.atFile ?? `${c.file}.ts`}; got ${shown[0]}`);
      assert.strictEqual(first.node.line, line, `underlines the call the SDK compared (${c.at}); got ${shown[0]}`);
      // A name mismatch: the message says both names, as the SDK does (`Expected name "A", but got "B"`).
      const names = /name mismatch .*Expected name "([^"]*)", but got "([^"]*)"/.exec(f.message ?? '');
      if (names) {
        if (names[1] !== 'undefined') assert.ok(first.message.includes(JSON.stringify(names[1])), `names the recorded ${names[1]}: ${first.message}`);
        // The code's name as the SDK saw it, or as written when it is a template (`tag-${parcel}`: known only at run time).
        const written = first.node.name;
        assert.ok(
          first.message.includes(JSON.stringify(names[2])) || (written !== null && written.includes('${') && first.message.includes(written)),
          `names the code's ${names[2]}: ${first.message}`,
        );
      }
    });
  }
});
