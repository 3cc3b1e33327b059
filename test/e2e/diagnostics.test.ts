// Runs in node (e2e tier): what a person sees in a real VS Code with the packaged .vsix installed: a squiggle and
// a Problems entry on a replay-safety mistake in a sample, fixed from the Ctrl+. menu, and gone afterwards.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyQuickFix, editorLineText, goToLine, openFile, readProblems, startVsCode, waitForNoSquiggle, waitForProblem, waitForSquiggle, waitUntil, type VsCodeSession } from './harness';

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
    const logLine = lineAfter(original, 'deliberate: replayed-side-effect-log', 'console.log(');
    const timerLine = lineAfter(original, 'deliberate: non-durable-timer', 'setTimeout(');
    const column = original.split(/\r?\n/)[logLine - 1].indexOf('console.log') + 1;

    await openFile(page, AGENT);
    await goToLine(page, logLine, column);
    await waitForSquiggle(page, 'info', logLine);
    await waitForSquiggle(page, 'error', timerLine);
    const problem = await waitForProblem(page, (p) => /durable-lens/.test(p.label + p.text) && /console/.test(p.label + p.text), 'the console.* entry in the Problems panel');
    assert.match(problem.label + problem.text, new RegExp(`\\b${logLine}\\b`), `the Problems entry points at line ${logLine}: ${problem.label}`);
    await vs!.screenshot('diagnostics-1-squiggle-and-problem');

    await goToLine(page, logLine, column);
    const titles = await applyQuickFix(page, /logger/i);
    console.log(`      quick fixes offered: ${titles.join(' | ')}`);
    await waitUntil('the line to use context.logger', async () => /context\.logger\.\w+\(/.test((await editorLineText(page, logLine)) ?? ''), 20_000, async () => (await editorLineText(page, logLine)) ?? '(line not rendered)');
    await waitForNoSquiggle(page, 'info', logLine);
    await waitUntil('the Problems entry to disappear', async () => !(await readProblems(page)).some((p) => /durable-lens/.test(p.label + p.text) && /console/.test(p.label + p.text)), 60_000);
    // The other mistakes are still reported: the fix removed one diagnostic, not all of them.
    await waitForSquiggle(page, 'error', timerLine, 10_000);
    await vs!.screenshot('diagnostics-2-after-quick-fix');
    // The edit is unsaved in a throwaway copy of samples/: the repository's samples are never touched.
    assert.strictEqual(fs.readFileSync(file, 'utf8'), original);
  });
});
