// Runs in node (e2e tier): what a person sees in a real VS Code with the packaged .vsix installed: a squiggle and
// a Problems entry on a replay-safety mistake in a sample, fixed from the Ctrl+. menu, and gone afterwards.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyQuickFix, editorLineText, goToLine, openFile, readProblems, startVsCode, waitForNoSquiggle, waitForProblem, waitForSquiggle, waitUntil, type ProblemEntry, type VsCodeSession } from './harness';

const AGENT = 'genai-agent/src/handler.ts';

/** 1-based line of the first line containing `needle` at or after the line containing `marker`. */
function lineAfter(text: string, marker: string, needle: string): number {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.includes(marker));
  const index = lines.findIndex((l, i) => i >= start && l.includes(needle));
  assert.ok(start >= 0 && index >= 0, `${needle} after ${marker} not found`);
  return index + 1;
}

describe('e2e: replay-safety diagnostics in code-server (packaged .vsix)', function () {
  this.timeout(400_000);
  let vs: VsCodeSession | undefined;

  before(async function () {
    vs = await startVsCode();
  });

  after(async function () {
    await vs?.close();
  });

  it('shows the squiggle and the Problems entry, and the Ctrl+. quick fix makes them disappear', async function () {
    const { page } = vs!;
    const file = path.join(vs!.workspace, AGENT);
    const original = fs.readFileSync(file, 'utf8');
    const timerLine = lineAfter(original, 'deliberate: non-durable-timer', 'setTimeout(');
    const logLine = lineAfter(original, 'deliberate: replayed-side-effect-log', 'console.log(');
    const column = original.split(/\r?\n/)[timerLine - 1].indexOf('setTimeout') + 1;
    const isTimerProblem = (p: ProblemEntry) => /setTimeout/.test(p.label + p.text) && /durable-lens/.test(p.label + p.text);

    await openFile(page, AGENT);
    await goToLine(page, timerLine, column);
    await waitForSquiggle(page, 'error', timerLine);
    // The info-level console.log rule is a hint: dotted, not in the Problems panel.
    await waitForSquiggle(page, 'hint', logLine, 20_000);
    const problem = await waitForProblem(page, isTimerProblem, 'the setTimeout entry in the Problems panel');
    assert.match(problem.label + ' ' + problem.text, new RegExp(`\\b${timerLine}\\b`), `the Problems entry points at line ${timerLine}: ${problem.label}`);
    // The rule is named beside the message (its source), where the Problems view never cuts it off.
    assert.match(problem.label + ' ' + problem.text, /durable-lens\/non-durable-timer/, `the Problems entry names the rule: ${problem.label}`);
    await vs!.screenshot('diagnostics-1-squiggle-and-problem');

    await goToLine(page, timerLine, column);
    const titles = await applyQuickFix(page, /wait/i);
    console.log(`      quick fixes offered: ${titles.join(' | ')}`);
    await waitUntil('the line to use context.wait', async () => /context\.wait\(/.test((await editorLineText(page, timerLine)) ?? ''), 20_000, async () => (await editorLineText(page, timerLine)) ?? '(line not rendered)');
    await waitForNoSquiggle(page, 'error', timerLine);
    await waitUntil('the Problems entry to disappear', async () => !(await readProblems(page)).some(isTimerProblem), 60_000, async () => JSON.stringify(await readProblems(page)));
    // One fix removes one diagnostic: the console.log hint is still there.
    await waitForSquiggle(page, 'hint', logLine, 10_000);
    await vs!.screenshot('diagnostics-2-after-quick-fix');
    // The edit is unsaved, in a throwaway copy of samples/: the repository's samples are never touched.
    assert.strictEqual(fs.readFileSync(file, 'utf8'), original);
  });
});
