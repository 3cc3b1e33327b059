// Unit (node): a replay-mismatch inside a durable helper of another file is underlined at the call in the handler's
// file that leads there (the affected call site), and says where in the helper; the case the real SDK refused
// (test/fixtures/mapping/drift/parcelsHelperRenamed.json: "Expected name label-p1, but got tag-p1").
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { recordedExecutionFromText, replayMismatchFindingsForFile } from '../../../src/core/history/replayDiagnostics';
import { REPO_ROOT } from './harness';

const DRIFT = path.join(REPO_ROOT, 'test', 'fixtures', 'mapping', 'drift');

function findingsFor(file: string) {
  const program = ts.createProgram([file], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, strict: true, skipLibCheck: true, noEmit: true, types: [] });
  const sf = program.getSourceFile(file)!;
  const historyFile = path.join(DRIFT, 'parcels.history.json');
  const recorded = recordedExecutionFromText(historyFile, fs.readFileSync(historyFile, 'utf8'), '1', 50 * 1024 * 1024);
  assert.ok(recorded, 'the recording parses');
  return { sf, findings: replayMismatchFindingsForFile(ts, program, sf, [recorded]) };
}

describe('replay-mismatch: operations in durable helpers of other files', () => {
  it('a step renamed in the helper is reported at the handler’s call into the helper, naming the helper’s line', () => {
    const { sf, findings } = findingsFor(path.join(DRIFT, 'parcelsHelperRenamed.ts'));
    assert.strictEqual(findings.length, 1, JSON.stringify(findings.map((f) => f.message)));
    const f = findings[0]!;
    assert.strictEqual(sf.text.slice(f.start, f.end), 'shipParcel');
    const line = sf.getLineAndCharacterOfPosition(f.start).line + 1;
    assert.strictEqual(sf.text.split('\n')[line - 1]!.trim().startsWith("const first = await shipParcel(context, 'p1')"), true, `line ${line}`);
    assert.match(f.message, /label-p1/);
    assert.match(f.message, /tag-\$\{parcel\}/, "the new name as written in the helper");
    assert.match(f.message, /shipRenamed\.ts:\d+/);
  });

  it('an edit only inside the helper’s step body is not reported', () => {
    assert.deepStrictEqual(findingsFor(path.join(DRIFT, 'parcelsHelperBody.ts')).findings, []);
  });
});
