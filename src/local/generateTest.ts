// Runs in the extension host and the CLI: "Generate Test from Execution": from a recorded history and the
// handler file, the text of a test for the user's project that runs the handler with the testing SDK's
// LocalDurableTestRunner on the recorded input, answers the recorded callbacks and invokes, and asserts
// the recorded operation sequence (type, subtype, name, status, in order) and the outcome.
// Everything taken from the history enters the code as a JSON literal only (never in comments or names).
import * as path from 'path';
import { normalizeEvents, type HistoryEvent } from '../core/history/events';
import { writeFileAtomic } from './runStore';

export class GenerateTestError extends Error {
  constructor(
    readonly reason: 'incomplete' | 'empty' | 'write-failed',
    message: string
  ) {
    super(message);
  }
}

export interface RecordedOperationStep {
  readonly id: string;
  readonly type: string;
  readonly subType: string | undefined;
  readonly name: string | undefined;
  readonly status: string;
}

/** `submitter`: id of the enclosing waitForCallback, whose submitter must finish before the answer is sent. */
type CallbackAnswer =
  | { readonly id: string; readonly submitter?: string; readonly kind: 'success'; readonly result: string | undefined }
  | { readonly id: string; readonly submitter?: string; readonly kind: 'failure'; readonly error: { ErrorType?: string; ErrorMessage?: string; ErrorData?: string } };

type InvokeAnswer = { readonly ok: true; readonly payload: string | undefined } | { readonly ok: false; readonly type?: string; readonly message?: string };

export interface RecordedOutcome {
  readonly input: unknown;
  readonly inputNote?: string;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'STOPPED';
  /** The recorded result payload (JSON text) when it succeeded. */
  readonly resultPayload?: string;
  readonly error?: { readonly type?: string; readonly message?: string };
  readonly operations: readonly RecordedOperationStep[];
  readonly callbacks: readonly CallbackAnswer[];
  /** Every invoke's answer in the recorded order. */
  readonly invokes: readonly InvokeAnswer[];
  /** Function names the history names (local runs record none: the testing SDK leaves FunctionName empty). */
  readonly invokedFunctions: readonly string[];
}

const TYPE_BY_PREFIX: readonly [string, string][] = [
  ['ChainedInvoke', 'CHAINED_INVOKE'],
  ['Callback', 'CALLBACK'],
  ['Context', 'CONTEXT'],
  ['Step', 'STEP'],
  ['Wait', 'WAIT'],
];
const STATUS_BY_SUFFIX: readonly [string, string][] = [
  ['Started', 'STARTED'],
  ['Succeeded', 'SUCCEEDED'],
  ['Failed', 'FAILED'],
  ['TimedOut', 'TIMED_OUT'],
  ['Cancelled', 'CANCELLED'],
  ['Stopped', 'STOPPED'],
];

function split(eventType: string): { type: string; status: string } | undefined {
  const t = TYPE_BY_PREFIX.find(([p]) => eventType.startsWith(p));
  const s = STATUS_BY_SUFFIX.find(([x]) => eventType.endsWith(x));
  return t && s ? { type: t[1], status: s[1] } : undefined;
}

function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** What the generated test asserts and replays, read from the history. */
export function readRecordedOutcome(rawEvents: readonly unknown[]): RecordedOutcome {
  const { events } = normalizeEvents(rawEvents);
  if (events.length === 0) throw new GenerateTestError('empty', 'the history has no events');
  const started = events.find((e) => e.EventType === 'ExecutionStarted');
  const end = [...events].reverse().find((e) => /^Execution(Succeeded|Failed|TimedOut|Stopped)$/.test(e.EventType));
  if (!end) throw new GenerateTestError('incomplete', 'the execution has not ended: a test needs a recorded outcome to assert');
  let input: unknown = {};
  let inputNote: string | undefined;
  const inputPayload = started?.ExecutionStartedDetails?.Input;
  if (inputPayload?.Truncated) inputNote = 'the recorded input was truncated';
  const parsedInput = parseJson(inputPayload?.Payload);
  if (parsedInput.ok) input = parsedInput.value ?? {};
  else inputNote = 'the recorded input is not JSON';

  const order: string[] = [];
  const last = new Map<string, HistoryEvent>();
  const first = new Map<string, HistoryEvent>();
  const callbacks: CallbackAnswer[] = [];
  const invokes: InvokeAnswer[] = [];
  const invokedFunctions = new Set<string>();
  const waitForCallbacks = new Set<string>();
  const submitterOf = new Map<string, string>();
  for (const e of events) {
    if (e.EventType === 'ContextStarted' && e.SubType === 'WaitForCallback' && e.Id) waitForCallbacks.add(e.Id);
    if (e.EventType === 'CallbackStarted' && e.Id && e.ParentId && waitForCallbacks.has(e.ParentId)) submitterOf.set(e.Id, e.ParentId);
  }
  for (const e of events) {
    if (!e.Id || e.EventType.startsWith('Execution') || e.EventType === 'InvocationCompleted' || !split(e.EventType)) continue;
    if (!first.has(e.Id)) {
      first.set(e.Id, e);
      order.push(e.Id);
    }
    last.set(e.Id, e);
    const submitter = submitterOf.get(e.Id);
    const via = submitter ? { submitter } : {};
    if (e.EventType === 'CallbackSucceeded') callbacks.push({ id: e.Id, ...via, kind: 'success', result: e.CallbackSucceededDetails?.Result?.Payload });
    if (e.EventType === 'CallbackFailed') {
      const p = e.CallbackFailedDetails?.Error?.Payload;
      callbacks.push({ id: e.Id, ...via, kind: 'failure', error: { ErrorType: p?.ErrorType, ErrorMessage: p?.ErrorMessage, ErrorData: p?.ErrorData } });
    }
    if (e.EventType === 'ChainedInvokeStarted' && e.ChainedInvokeStartedDetails?.FunctionName) invokedFunctions.add(e.ChainedInvokeStartedDetails.FunctionName);
    if (e.EventType === 'ChainedInvokeSucceeded') invokes.push({ ok: true, payload: e.ChainedInvokeSucceededDetails?.Result?.Payload });
    if (e.EventType === 'ChainedInvokeFailed') {
      const p = e.ChainedInvokeFailedDetails?.Error?.Payload;
      invokes.push({ ok: false, type: p?.ErrorType, message: p?.ErrorMessage });
    }
  }
  const operations = order.map((id) => {
    const f = first.get(id)!;
    const l = last.get(id)!;
    return { id, type: split(f.EventType)!.type, subType: f.SubType, name: f.Name, status: split(l.EventType)!.status };
  });
  const status = end.EventType.replace('Execution', '') as 'Succeeded' | 'Failed' | 'TimedOut' | 'Stopped';
  const statusUpper = ({ Succeeded: 'SUCCEEDED', Failed: 'FAILED', TimedOut: 'TIMED_OUT', Stopped: 'STOPPED' } as const)[status];
  const errPayload =
    end.ExecutionFailedDetails?.Error?.Payload ?? end.ExecutionTimedOutDetails?.Error?.Payload ?? end.ExecutionStoppedDetails?.Error?.Payload;
  return {
    input,
    ...(inputNote ? { inputNote } : {}),
    status: statusUpper,
    ...(statusUpper === 'SUCCEEDED' ? { resultPayload: end.ExecutionSucceededDetails?.Result?.Payload } : {}),
    ...(errPayload ? { error: { type: errPayload.ErrorType, message: errPayload.ErrorMessage } } : {}),
    operations,
    callbacks,
    invokes,
    invokedFunctions: Array.from(invokedFunctions),
  };
}

export interface GenerateTestOptions {
  readonly events: readonly unknown[];
  readonly handlerFile: string;
  /** Export to test; default `handler`. */
  readonly handlerExport?: string;
  /** Where the test will be written (the import of the handler is relative to it). */
  readonly testFile: string;
  readonly skipTime?: boolean;
  /**
   * Names `context.invoke` may call (the keys of `durableLens.local.invokeTargets`): each is registered
   * to give the recorded answers. Needed for local recordings, whose history names no function.
   */
  readonly invokeFunctionNames?: readonly string[];
}

/** `<dir>/<name>.recorded.test.<ts|js>` beside the handler. */
export function defaultTestFileFor(handlerFile: string): string {
  const ext = path.extname(handlerFile);
  const base = path.basename(handlerFile, ext);
  const js = ext === '.js' || ext === '.mjs' || ext === '.cjs' || ext === '.jsx';
  return path.join(path.dirname(handlerFile), `${base}.recorded.test.${js ? 'js' : 'ts'}`);
}

function importPath(fromFile: string, toFile: string): string {
  let rel = path.relative(path.dirname(fromFile), toFile).split(path.sep).join('/');
  const ext = path.extname(rel);
  // Extensionless for TypeScript sources: resolves under ts-node, tsx, ts-jest and bundlers alike.
  if (ext === '.ts' || ext === '.tsx' || ext === '.cts') rel = rel.slice(0, -ext.length);
  else if (ext === '.mts') rel = rel.slice(0, -ext.length) + '.mjs';
  return rel.startsWith('.') ? rel : `./${rel}`;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function lit(v: unknown): string {
  return JSON.stringify(v === undefined ? null : v, null, 2);
}

function indent(text: string, by: string): string {
  return text.split('\n').join(`\n${by}`);
}

/** The test file's text. */
export function generateTestSource(options: GenerateTestOptions): string {
  const rec = readRecordedOutcome(options.events);
  const exportName = options.handlerExport ?? 'handler';
  const ts = !/\.(c|m)?jsx?$/.test(options.testFile);
  const importLine = IDENT.test(exportName)
    ? `import { ${exportName} as handlerUnderTest } from ${JSON.stringify(importPath(options.testFile, options.handlerFile))};`
    : `import * as handlerModule from ${JSON.stringify(importPath(options.testFile, options.handlerFile))};`;
  const handlerExpr = IDENT.test(exportName) ? 'handlerUnderTest' : `handlerModule[${JSON.stringify(exportName)}]`;
  const expectedOps = rec.operations.map((o) => ({ type: o.type, subType: o.subType ?? null, name: o.name ?? null, status: o.status }));
  const t = (typeText: string): string => (ts ? typeText : '');
  const lines: string[] = [];
  lines.push('// Generated by Durable Lens ("Generate Test from Execution"): replays a recorded execution with the');
  lines.push('// AWS testing SDK and checks that the handler still takes the same operations to the same outcome.');
  lines.push('// Regenerate it after an intended change of the workflow.');
  lines.push("import * as assert from 'node:assert/strict';");
  lines.push("import { LocalDurableTestRunner, WaitingOperationStatus } from '@aws/durable-execution-sdk-js-testing';");
  lines.push(importLine);
  lines.push('');
  lines.push(`const recordedInput = ${lit(rec.input)};`);
  if (rec.inputNote) lines.push(`// Note: ${rec.inputNote === 'the recorded input was truncated' ? 'the recorded input was truncated' : 'the recorded input is not JSON'}; replace recordedInput with the real one.`);
  lines.push('');
  lines.push(`const expectedOperations = ${indent(lit(expectedOps), '')};`);
  lines.push('');
  if (rec.callbacks.length) {
    lines.push('// The callbacks the execution received, in the order they were completed.');
    lines.push(
      `const recordedCallbacks${t(': ({ id: string; submitter: string | null; kind: "success"; result: string | null } | { id: string; submitter: string | null; kind: "failure"; error: { ErrorType?: string; ErrorMessage?: string; ErrorData?: string } })[]')} = ${lit(
        rec.callbacks.map((c) =>
          c.kind === 'success'
            ? { id: c.id, submitter: c.submitter ?? null, kind: c.kind, result: c.result ?? null }
            : { id: c.id, submitter: c.submitter ?? null, kind: c.kind, error: c.error }
        )
      )};`
    );
    lines.push('// Real time, taken before the testing SDK installs its fake timers (time skipping).');
    lines.push('const realSetTimeout = globalThis.setTimeout;');
    lines.push('const realClearTimeout = globalThis.clearTimeout;');
    lines.push('const CALLBACK_WAIT_MS = 30_000;');
    lines.push('');
  }
  const invokeNames = Array.from(new Set([...rec.invokedFunctions, ...(options.invokeFunctionNames ?? [])]));
  if (rec.invokes.length) {
    lines.push('// What the invoked functions answered, in the recorded order (given in place of the real functions).');
    lines.push(`const recordedInvokes${t(': ({ ok: true; payload: string | null } | { ok: false; type?: string; message?: string })[]')} = ${lit(
      rec.invokes.map((a) => (a.ok ? { ok: true, payload: a.payload ?? null } : a))
    )};`);
    if (!invokeNames.length) lines.push('// The recording names no invoked function: add the names your handler invokes to invokedFunctions.');
    lines.push(`const invokedFunctions${t(': string[]')} = ${lit(invokeNames)};`);
    lines.push('');
  }
  lines.push(`describe(${JSON.stringify(`recorded execution of ${exportName}`)}, () => {`);
  lines.push(`  it(${JSON.stringify(`takes the recorded ${rec.operations.length} operations and ${rec.status === 'SUCCEEDED' ? 'returns the recorded result' : `ends ${rec.status}`}`)}, async function (${t('this: { timeout?: (ms: number) => unknown } | undefined')}) {`);
  lines.push('    // A local run takes a second or two: more than mocha\'s default 2 s on a busy machine.');
  lines.push('    this?.timeout?.(60_000);');
  lines.push(`    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: ${options.skipTime === false ? 'false' : 'true'} });`);
  lines.push('    try {');
  lines.push(`      const runner = new LocalDurableTestRunner({ handlerFunction: ${handlerExpr} });`);
  if (rec.invokes.length) {
    lines.push('      const queue = [...recordedInvokes];');
    lines.push('      for (const functionName of invokedFunctions) {');
    lines.push('        runner.registerFunction(functionName, async () => {');
    lines.push('          const answer = queue.shift();');
    lines.push('          if (!answer) throw new Error(`${functionName}: more invokes than recorded`);');
    lines.push('          if (!answer.ok) throw Object.assign(new Error(answer.message), { name: answer.type ?? "Error" });');
    lines.push('          return answer.payload === null ? undefined : JSON.parse(answer.payload);');
    lines.push('        });');
    lines.push('      }');
  }
  lines.push('      const execution = runner.run({ payload: recordedInput });');
  if (rec.callbacks.length) {
    lines.push(`      const ended = execution.then(() => 'ended'${t(' as const')}, () => 'ended'${t(' as const')});`);
    lines.push('      for (const callback of recordedCallbacks) {');
    lines.push('        const operation = runner.getOperationById(callback.id);');
    lines.push('        // A waitForCallback is answered once its submitter has run (SUBMITTED), a createCallback once started.');
    lines.push('        const ready = callback.submitter');
    lines.push('          ? runner.getOperationById(callback.submitter).waitForData(WaitingOperationStatus.SUBMITTED)');
    lines.push('          : operation.waitForData(WaitingOperationStatus.STARTED);');
    lines.push(`        let timer${t(': ReturnType<typeof setTimeout> | undefined')};`);
    lines.push('        const outcome = await Promise.race([');
    lines.push(`          ready.then(() => 'started'${t(' as const')}),`);
    lines.push('          ended,');
    lines.push(`          new Promise${t("<'late'>")}((resolve) => (timer = realSetTimeout(() => resolve('late'), CALLBACK_WAIT_MS))),`);
    lines.push('        ]);');
    lines.push('        realClearTimeout(timer);');
    lines.push("        if (outcome !== 'started' || operation.getType() !== 'CALLBACK') {");
    lines.push('          assert.fail(');
    lines.push("            `the recorded callback ${callback.id} ${outcome === 'late' ? 'was not created within 30 s' : 'was never created'}; the workflow no longer matches the recording`");
    lines.push('          );');
    lines.push('        }');
    lines.push('        if (callback.kind === "success") await operation.sendCallbackSuccess(callback.result ?? undefined);');
    lines.push('        else await operation.sendCallbackFailure(callback.error);');
    lines.push('      }');
  }
  lines.push('      const result = await execution;');
  lines.push('      const operations = result.getOperations().map((op) => ({');
  lines.push('        type: op.getType() ?? null,');
  lines.push('        subType: op.getSubType() ?? null,');
  lines.push('        name: op.getName() ?? null,');
  lines.push('        status: op.getStatus() ?? null,');
  lines.push('      }));');
  lines.push('      assert.deepEqual(operations, expectedOperations);');
  lines.push(`      assert.equal(result.getStatus(), ${JSON.stringify(rec.status)});`);
  if (rec.status === 'SUCCEEDED') {
    const parsed = parseJson(rec.resultPayload);
    if (parsed.ok) lines.push(`      assert.deepEqual(result.getResult(), ${indent(lit(parsed.value), '      ')});`);
    else lines.push(`      assert.equal(JSON.stringify(result.getResult()), ${JSON.stringify(rec.resultPayload)});`);
  } else if (rec.error) {
    lines.push('      const error = result.getError();');
    if (rec.error.type !== undefined) lines.push(`      assert.equal(error.errorType, ${JSON.stringify(rec.error.type)});`);
    if (rec.error.message !== undefined) lines.push(`      assert.equal(error.errorMessage, ${JSON.stringify(rec.error.message)});`);
  }
  lines.push('    } finally {');
  lines.push('      await LocalDurableTestRunner.teardownTestEnvironment();');
  lines.push('    }');
  lines.push('  });');
  lines.push('});');
  return lines.join('\n') + '\n';
}

/** Writes the test (atomically); returns its path. */
export function writeGeneratedTest(options: GenerateTestOptions): string {
  const text = generateTestSource(options);
  try {
    writeFileAtomic(options.testFile, text);
  } catch (e) {
    throw new GenerateTestError('write-failed', (e as Error).message);
  }
  return options.testFile;
}
