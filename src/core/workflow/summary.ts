// Core (pure): short human-readable summaries of operation arguments (step options, durations, invoke
// targets) for the `detail` of workflow nodes. Text only; escaping is the renderer's job.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { skipOuterExpressions } from '../analysis/scope';

const MAX = 80;

/** Whitespace collapsed, long text cut with an ellipsis. */
export function summarize(s: string, max = MAX): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

function src(n: ts.Node, sf: ts.SourceFile): string {
  try {
    return summarize(n.getText(sf));
  } catch {
    return '?';
  }
}

const UNITS: Record<string, string> = { days: 'd', hours: 'h', minutes: 'm', seconds: 's', milliseconds: 'ms' };

/** `{ minutes: 5, seconds: 30 }` → `5m 30s`; anything else as written. */
export function durationText(tsm: TS, e: ts.Expression, sf: ts.SourceFile): string {
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isObjectLiteralExpression(x)) {
    const parts: string[] = [];
    for (const p of x.properties) {
      if (!tsm.isPropertyAssignment(p) || !tsm.isIdentifier(p.name)) return src(x, sf);
      const unit = UNITS[p.name.text];
      if (!unit) return src(x, sf);
      parts.push(`${src(p.initializer, sf)}${unit}`);
    }
    if (parts.length) return parts.join(' ');
  }
  return src(x, sf);
}

function props(tsm: TS, e: ts.Expression | undefined): Map<string, ts.Expression> | undefined {
  if (!e) return undefined;
  const x = skipOuterExpressions(tsm, e);
  if (!tsm.isObjectLiteralExpression(x)) return undefined;
  const m = new Map<string, ts.Expression>();
  for (const p of x.properties) {
    if (tsm.isPropertyAssignment(p) && (tsm.isIdentifier(p.name) || tsm.isStringLiteral(p.name))) m.set(p.name.text, p.initializer);
    else if (tsm.isShorthandPropertyAssignment(p)) m.set(p.name.text, p.name);
    else if (tsm.isMethodDeclaration(p) && tsm.isIdentifier(p.name)) m.set(p.name.text, p as unknown as ts.Expression);
  }
  return m;
}

/** `StepSemantics.AtMostOncePerRetry` or `'AT_MOST_ONCE_PER_RETRY'` → `at most once per retry`. */
function semanticsText(tsm: TS, e: ts.Expression, sf: ts.SourceFile): string {
  const x = skipOuterExpressions(tsm, e);
  let raw = src(x, sf);
  if (tsm.isPropertyAccessExpression(x)) raw = x.name.text;
  else if (tsm.isStringLiteral(x)) raw = x.text;
  if (/^AtMostOncePerRetry$|^AT_MOST_ONCE_PER_RETRY$/.test(raw)) return 'at most once per retry';
  if (/^AtLeastOncePerRetry$|^AT_LEAST_ONCE_PER_RETRY$/.test(raw)) return 'at least once per retry';
  return raw;
}

/** The SDK's presets, as its documentation describes them (retry-presets.d.ts). */
const RETRY_PRESETS: Record<string, string> = { default: 'exponential, 6 attempts', linear: 'linear, 6 attempts', noRetry: 'no retry' };
/** The factories and their default attempt counts (the SDK's DEFAULT_CONFIG of each). */
const RETRY_FACTORIES: Record<string, { kind: string; attempts: number }> = {
  createRetryStrategy: { kind: 'exponential', attempts: 3 },
  createLinearRetryStrategy: { kind: 'linear', attempts: 6 },
};

function calleeName(tsm: TS, e: ts.Expression): string | undefined {
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isIdentifier(x)) return x.text;
  if (tsm.isPropertyAccessExpression(x)) return x.name.text;
  return undefined;
}

/** A number literal as written, or undefined. */
function numberText(tsm: TS, e: ts.Expression | undefined): string | undefined {
  if (!e) return undefined;
  const x = skipOuterExpressions(tsm, e);
  return tsm.isNumericLiteral(x) ? x.text : undefined;
}

/**
 * A retry strategy in words: `retryPresets.linear` → `linear, 6 attempts`; `createRetryStrategy({ maxAttempts: 4,
 * initialDelay: { seconds: 1 } })` → `exponential, 4 attempts, from 1s`. A named strategy keeps its name; a call the
 * summary cannot read is `custom code`, never a slice of a long call.
 */
function retryText(tsm: TS, e: ts.Expression, sf: ts.SourceFile): string {
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isArrowFunction(x) || tsm.isFunctionExpression(x) || tsm.isMethodDeclaration(x as ts.Node)) return 'custom function';
  if (tsm.isPropertyAccessExpression(x) && tsm.isIdentifier(x.expression) && x.expression.text === 'retryPresets') {
    return RETRY_PRESETS[x.name.text] ?? summarize(`retryPresets.${x.name.text}`, 40);
  }
  // A shared strategy keeps its name: the name is what the reader looks up (and the operations test pins it).
  if (tsm.isIdentifier(x)) return summarize(x.text, 40);
  if (tsm.isCallExpression(x)) {
    const factory = RETRY_FACTORIES[calleeName(tsm, x.expression) ?? ''];
    if (!factory) return 'custom code';
    const m = props(tsm, x.arguments[0]);
    const attempts = numberText(tsm, m?.get('maxAttempts')) ?? (m?.has('maxAttempts') ? undefined : String(factory.attempts));
    const parts = [factory.kind];
    if (attempts !== undefined) parts.push(`${attempts} attempt${attempts === '1' ? '' : 's'}`);
    const initial = m?.get('initialDelay');
    if (initial) parts.push(`from ${durationText(tsm, initial, sf)}`);
    // Increments and backoff rates stay in the code: the second line of a node is read at a glance.
    return parts.join(', ');
  }
  return 'custom code';
}

/** waitForCondition's strategy: a function, or the code as written (its wording is pinned by the operations test). */
function waitStrategyText(tsm: TS, e: ts.Expression, sf: ts.SourceFile): string {
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isArrowFunction(x) || tsm.isFunctionExpression(x) || tsm.isMethodDeclaration(x as ts.Node)) return 'custom function';
  return src(x, sf);
}

/**
 * A map or parallel `completionConfig` in words: `{ minSuccessful: 1 }` → `completes after 1 success`.
 * (For the inference to put in the detail of map and parallel nodes.)
 */
export function completionText(tsm: TS, config: ts.Expression | undefined, sf: ts.SourceFile): string | undefined {
  if (!config) return undefined;
  const m = props(tsm, config);
  if (!m) return 'custom completion';
  const out: string[] = [];
  const min = m.get('minSuccessful');
  if (min) out.push(`completes after ${numberText(tsm, min) ?? summarize(src(min, sf), 30)} success${numberText(tsm, min) === '1' ? '' : 'es'}`);
  const count = m.get('toleratedFailureCount');
  if (count) out.push(`tolerates ${numberText(tsm, count) ?? summarize(src(count, sf), 30)} failure${numberText(tsm, count) === '1' ? '' : 's'}`);
  const pct = m.get('toleratedFailurePercentage');
  if (pct) out.push(`tolerates ${numberText(tsm, pct) ?? summarize(src(pct, sf), 30)}% failures`);
  return out.length ? out.join(', ') : undefined;
}

/** Map, parallel (and batch) options: concurrency and completion, in words. */
export function concurrencyOptionsText(tsm: TS, config: ts.Expression | undefined, sf: ts.SourceFile): string | undefined {
  if (!config) return undefined;
  const m = props(tsm, config);
  if (!m) return undefined;
  const out: string[] = [];
  const conc = m.get('maxConcurrency');
  if (conc) out.push(`at most ${numberText(tsm, conc) ?? summarize(src(conc, sf), 30)} at once`);
  const done = completionText(tsm, m.get('completionConfig'), sf);
  if (done) out.push(done);
  return out.length ? out.join('; ') : undefined;
}

/** Step config: retry strategy and semantics (serdes just noted). */
export function stepOptionsText(tsm: TS, config: ts.Expression | undefined, sf: ts.SourceFile): string | undefined {
  if (!config) return undefined;
  const m = props(tsm, config);
  if (!m) return `options: ${src(config, sf)}`;
  const out: string[] = [];
  const retry = m.get('retryStrategy');
  if (retry) out.push(`retry: ${retryText(tsm, retry, sf)}`);
  const sem = m.get('semantics');
  if (sem) out.push(`semantics: ${semanticsText(tsm, sem, sf)}`);
  if (m.has('serdes')) out.push('custom serdes');
  return out.length ? out.join('; ') : undefined;
}

/** waitForCallback / createCallback config: timeouts (and the submitter retry). */
export function waitForCallbackOptionsText(tsm: TS, config: ts.Expression | undefined, sf: ts.SourceFile): string | undefined {
  if (!config) return undefined;
  const m = props(tsm, config);
  if (!m) return `options: ${src(config, sf)}`;
  const out: string[] = [];
  const timeout = m.get('timeout');
  if (timeout) out.push(`timeout: ${durationText(tsm, timeout, sf)}`);
  const hb = m.get('heartbeatTimeout');
  if (hb) out.push(`heartbeat: ${durationText(tsm, hb, sf)}`);
  const retry = m.get('retryStrategy');
  if (retry) out.push(`retry: ${retryText(tsm, retry, sf)}`);
  return out.length ? out.join('; ') : undefined;
}

/** waitForCondition config: the wait strategy and initial state. */
export function waitForConditionOptionsText(tsm: TS, config: ts.Expression | undefined, sf: ts.SourceFile): string | undefined {
  if (!config) return undefined;
  const m = props(tsm, config);
  if (!m) return `options: ${src(config, sf)}`;
  const out: string[] = [];
  const ws = m.get('waitStrategy');
  if (ws) out.push(`wait strategy: ${waitStrategyText(tsm, ws, sf)}`);
  const init = m.get('initialState');
  if (init) out.push(`initial state: ${src(init, sf)}`);
  return out.length ? out.join('; ') : undefined;
}

/** The invoke target as shown, and its literal value when it is one (for finding the workspace handler). */
export function invokeTargetText(tsm: TS, e: ts.Expression, sf: ts.SourceFile): { display: string; value: string | undefined } {
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isStringLiteral(x) || tsm.isNoSubstitutionTemplateLiteral(x)) return { display: summarize(x.text), value: x.text };
  if (tsm.isTemplateExpression(x)) return { display: summarize(x.getText(sf).slice(1, -1)), value: x.head.text + x.templateSpans.map((s) => '*' + s.literal.text).join('') };
  // An identifier or `process.env.X`: the name is still a useful hint for finding the target.
  const t = src(x, sf);
  const last = tsm.isPropertyAccessExpression(x) ? x.name.text : tsm.isIdentifier(x) ? x.text : undefined;
  return { display: t, value: last };
}
