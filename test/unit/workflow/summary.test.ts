// Unit tests (node, mocha): operation options summarised in words for the diagram (retry strategies, completion
// and concurrency), parsed with the real TypeScript compiler: what a reader of a node's second line sees.
import * as assert from 'assert';
import * as ts from 'typescript';
import { completionText, concurrencyOptionsText, stepOptionsText } from '../../../src/core/workflow/summary';

/** The options object of the last call in `code` (its last argument), with the file it sits in. */
function lastCallOptions(code: string): { sf: ts.SourceFile; config: ts.Expression } {
  const sf = ts.createSourceFile('handler.ts', code, ts.ScriptTarget.ES2022, true);
  let last: ts.CallExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && /^(step|map|parallel)$/.test(n.expression.name.text)) last = n;
    ts.forEachChild(n, visit);
  };
  visit(sf);
  assert.ok(last, 'a call in the snippet');
  return { sf, config: last.arguments[last.arguments.length - 1]! };
}

function stepDetail(code: string): string | undefined {
  const { sf, config } = lastCallOptions(code);
  return stepOptionsText(ts, config, sf);
}

describe('workflow summary: options in words', () => {
  const cases: Array<[string, string, string]> = [
    ['a linear factory', `await ctx.step('s', fn, { retryStrategy: createLinearRetryStrategy({ maxAttempts: 3, initialDelay: { seconds: 5 }, increment: { seconds: 5 } }) });`, 'retry: linear, 3 attempts, from 5s'],
    ['an exponential factory', `await ctx.step('s', fn, { retryStrategy: createRetryStrategy({ maxAttempts: 4, initialDelay: { seconds: 1 }, backoffRate: 2 }) });`, 'retry: exponential, 4 attempts, from 1s'],
    ['the factory default attempts', `await ctx.step('s', fn, { retryStrategy: createRetryStrategy({}) });`, 'retry: exponential, 3 attempts'],
    ['a preset', `await ctx.step('s', fn, { retryStrategy: retryPresets.linear });`, 'retry: linear, 6 attempts'],
    ['no retry', `await ctx.step('s', fn, { retryStrategy: retryPresets.noRetry });`, 'retry: no retry'],
    ['a shared strategy keeps its name', `const paymentRetry = createRetryStrategy({ maxAttempts: 5 });\nawait ctx.step('s', fn, { retryStrategy: paymentRetry, semantics: StepSemantics.AtMostOncePerRetry });`, 'retry: paymentRetry; semantics: at most once per retry'],
    ['a function', `await ctx.step('s', fn, { retryStrategy: (e, n) => ({ shouldRetry: n < 3 }) });`, 'retry: custom function'],
    ['an unknown call', `await ctx.step('s', fn, { retryStrategy: makeMyVeryOwnStrategyWithAVeryLongName({ tries: 3, delays: [1, 2, 3, 4, 5, 6, 7, 8] }) });`, 'retry: custom code'],
    ['a name it cannot follow', `await ctx.step('s', fn, { retryStrategy: imported });`, 'retry: imported'],
  ];
  for (const [what, code, expected] of cases) {
    it(`${what}: ${expected}`, () => assert.strictEqual(stepDetail(code), expected));
  }

  it('never shows a slice of code cut off with an ellipsis for a retry strategy', () => {
    const detail = stepDetail(`await ctx.step('s', fn, { retryStrategy: createRetryStrategy({ maxAttempts: 4, initialDelay: { seconds: 1 }, maxDelay: { minutes: 10 }, backoffRate: 3, jitter: JitterStrategy.FULL, retryableErrors: [/timeout/i, /network/i] }) });`);
    assert.strictEqual(detail, 'retry: exponential, 4 attempts, from 1s');
    assert.ok(!detail!.includes('…') && !detail!.includes('('), detail);
  });

  it('completion and concurrency of map and parallel', () => {
    const { sf, config } = lastCallOptions(`await ctx.map('m', items, fn, { maxConcurrency: 5, completionConfig: { toleratedFailurePercentage: 10 } });`);
    assert.strictEqual(concurrencyOptionsText(ts, config, sf), 'at most 5 at once; tolerates 10% failures');
    const one = lastCallOptions(`await ctx.parallel('p', branches, { completionConfig: { minSuccessful: 1 } });`);
    assert.strictEqual(concurrencyOptionsText(ts, one.config, one.sf), 'completes after 1 success');
    const counts = lastCallOptions(`await ctx.map('m', items, fn, { minSuccessful: 3, toleratedFailureCount: 2 });`);
    assert.strictEqual(completionText(ts, counts.config, counts.sf), 'completes after 3 successes, tolerates 2 failures');
  });
});
