// Core (pure): the replay-mismatch findings — recorded executions checked against the handlers' operation
// trees (mapping.ts decides what breaks), grouped per call site, named, and cached so that an edit that does
// not change the operations' shape, or an edit in another file, costs nothing.
import type * as ts from 'typescript';
import type { Finding, TS } from '../analysis/model';
import { findDurableFunctions } from '../analysis/handlers';
import { operationTree, type OperationNode, type OperationTree } from '../analysis/operationTree';
import type { Enclosing, StructureNode } from '../analysis/operations/treeTypes';
import { parseSuppressions } from '../check';
import { functionName } from '../analysis/scope';
import { reportInternalError, withErrorSink, type ErrorSink } from '../errors';
import type { Severity, SeveritySetting } from '../rules/catalog';
import { RULE_CATALOG } from '../rules/catalog';
import { replayMismatch } from '../rules/replay-mismatch';
import { chooseHandler, mapHistory, replayMismatches } from './mapping';
import type { Drift, HandlerChoice, HistoryMapping } from './mappingTypes';
import { parseHistoryText } from './events';
import { buildExecutionRecord, type ExecutionRecord, type ExecutionSummary } from './record';

/** One recorded execution to check, as its loader read it. */
export interface RecordedExecution {
  /** Stable for one version of one history (e.g. path, mtime and size): results are cached under it. */
  readonly key: string;
  /** What to call it in messages: the execution's name, a run id or the file name. Untrusted. */
  readonly label: string;
  readonly record: ExecutionRecord;
  /** Not ended yet: it will resume with the current code, so a mismatch is an error, not a warning. */
  readonly running: boolean;
  /** The file its handler is in, when the history says (a local run): only that file's handlers are tried. */
  readonly handlerFile?: string;
  readonly handlerExport?: string;
}

export interface ReplayCheckOptions {
  /** The rule's setting: the severity for running executions (ended ones one level lower); 'off' = nothing. */
  readonly severity?: SeveritySetting;
  /** How many executions a grouped diagnostic names before "and N more". Default 3. */
  readonly maxNamed?: number;
  readonly onError?: ErrorSink;
}

const RULE = 'replay-mismatch' as const;
const MESSAGES = replayMismatch.meta.messages;
const DEFAULT_MAX_NAMED = 3;
const MAX_LABEL = 60;

/** The plain result of one execution against one set of trees; node positions are indices into tree.operations. */
type Outcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous'; readonly trees: readonly number[] }
  | { readonly kind: 'fits'; readonly tree: number; readonly breaks: readonly { readonly op: number; readonly message: string }[] };

/** (execution key, trees' shape) → outcome. Bounded: the oldest entries go first. */
const outcomes = new Map<string, Outcome>();
const MAX_OUTCOMES = 5000;
const shapes = new WeakMap<OperationTree, string>();

/** Shapes as small numbers: a cache key per execution must not carry (and hash) the whole shape text. */
const shapeIds = new Map<string, number>();
const treeShapeIds = new WeakMap<OperationTree, number>();
const MAX_SHAPES = 10000;

function shapeId(tree: OperationTree): number {
  let id = treeShapeIds.get(tree);
  if (id !== undefined) return id;
  const shape = treeShape(tree);
  id = shapeIds.get(shape);
  if (id === undefined) {
    // Ids only grow; clearing the table when it is full keeps old keys from ever meaning a new shape.
    if (shapeIds.size >= MAX_SHAPES) {
      shapeIds.clear();
      outcomes.clear();
    }
    id = nextShapeId++;
    shapeIds.set(shape, id);
  }
  treeShapeIds.set(tree, id);
  return id;
}
let nextShapeId = 1;

/**
 * What the mapping reads of a recording (ids, parents, kinds, names, statuses): executions that recorded the same
 * operations (runs of one handler along the same path) share one outcome, so an edit maps each distinct path once.
 */
const recordShapeIds = new WeakMap<ExecutionRecord, number>();
function recordShapeId(record: ExecutionRecord): number {
  let id = recordShapeIds.get(record);
  if (id !== undefined) return id;
  const shape =
    'R' +
    record.operations
      .map((o) => [o.id, o.parentId ?? '', o.type, o.subType ?? '', o.name ?? '\u0000', o.kind, o.status, o.kindCandidates?.join('|') ?? ''].join('\u0001'))
      .join('\n');
  id = shapeIds.get(shape);
  if (id === undefined) {
    if (shapeIds.size >= MAX_SHAPES) {
      shapeIds.clear();
      outcomes.clear();
    }
    id = nextShapeId++;
    shapeIds.set(shape, id);
  }
  recordShapeIds.set(record, id);
  return id;
}

/** Test and bench hook: forget every cached outcome (a cold start). */
export function clearReplayCaches(): void {
  outcomes.clear();
}

function severityFor(setting: SeveritySetting | undefined, running: boolean): Severity | undefined {
  const s = setting ?? RULE_CATALOG[RULE].defaultSeverity;
  if (s === 'off') return undefined;
  if (running) return s;
  return s === 'error' ? 'warning' : 'info';
}

function quote(text: string): string {
  const clipped = text.length > MAX_LABEL ? text.slice(0, MAX_LABEL - 1) + '…' : text;
  return JSON.stringify(clipped);
}

function stateOf(e: RecordedExecution): string {
  return e.running ? 'running' : `ended, ${String(e.record.execution.status).toLowerCase()}`;
}

/** Drift messages are clauses ("the code now has …"): a sentence for the diagnostic. */
function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return t;
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '');
}

/**
 * The operations' shape as the mapping sees it (kinds, names, numbering, contexts, enclosing structures),
 * without positions: two trees with the same shape map every history the same way.
 */
export function treeShape(tree: OperationTree): string {
  const hit = shapes.get(tree);
  if (hit !== undefined) return hit;
  const index = new Map<OperationNode, number>();
  tree.operations.forEach((o, i) => index.set(o, i));
  const enclosing = (p: Enclosing | null): string => {
    const parts: string[] = [];
    for (let e: Enclosing | null = p, n = 0; e && n < 64; n++) {
      if ('type' in e && e.type === 'operation') {
        parts.push(`op${index.get(e) ?? '?'}`);
        break;
      }
      const st = e as StructureNode;
      parts.push(`${st.kind}:${st.path ?? ''}:${st.label}`);
      e = st.parent;
    }
    return parts.join('<');
  };
  const lines = [tree.handler.name, tree.handler.sourceFile.fileName];
  for (const o of tree.operations) {
    const c = o.context;
    lines.push(
      [
        o.kind,
        o.name ?? '\u0000',
        o.nameValue ?? '',
        o.order ?? '',
        o.sdkNumber ?? '',
        o.repeatable ? 1 : 0,
        o.unreached ? 1 : 0,
        o.file,
        `${c.kind}/${c.index ?? ''}/${c.name ?? ''}/${c.repeatable ? 1 : 0}/${c.owner ? (index.get(c.owner) ?? '?') : -1}`,
        enclosing(o.parent),
      ].join('\u0001'),
    );
  }
  const shape = lines.join('\n');
  shapes.set(tree, shape);
  return shape;
}

/** Plain code-unit order: stable everywhere and far cheaper than localeCompare (ICU) on every edit. */
function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameFile(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/^([a-z]):/i, (_, d: string) => d.toLowerCase() + ':');
  return norm(a) === norm(b);
}

/** The trees this execution may belong to: all of them, or its own file's (and export's) when it says. */
function candidatesOf(e: RecordedExecution, trees: readonly OperationTree[]): number[] {
  const all = trees.map((_, i) => i);
  if (e.handlerFile === undefined) return all;
  const inFile = all.filter((i) => sameFile(trees[i]!.handler.sourceFile.fileName, e.handlerFile!));
  if (e.handlerExport !== undefined) {
    const named = inFile.filter((i) => trees[i]!.handler.name === e.handlerExport);
    if (named.length > 0) return named;
  }
  return inFile;
}

function outcomeOf(e: RecordedExecution, trees: readonly OperationTree[]): Outcome {
  // Nothing recorded yet: nothing to replay, and nothing to tell the handlers apart by.
  if (e.record.operations.length === 0) return { kind: 'none' };
  const candidates = candidatesOf(e, trees);
  if (candidates.length === 0) return { kind: 'none' };
  const key = `${recordShapeId(e.record)}\u0002${candidates.map((i) => shapeId(trees[i]!)).join(',')}`;
  const hit = outcomes.get(key);
  if (hit) {
    // Recently used goes last, so the bound drops what is not looked at any more.
    outcomes.delete(key);
    outcomes.set(key, hit);
    return remap(hit, candidates);
  }
  const local = computeOutcome(e, candidates.map((i) => trees[i]!), e.handlerFile !== undefined);
  outcomes.set(key, local);
  if (outcomes.size > MAX_OUTCOMES) outcomes.delete(outcomes.keys().next().value as string);
  return remap(local, candidates);
}

/** Cached outcomes index the candidate list; callers index all trees. */
function remap(o: Outcome, candidates: readonly number[]): Outcome {
  if (o.kind === 'none') return o;
  if (o.kind === 'ambiguous') return { kind: 'ambiguous', trees: o.trees.map((i) => candidates[i]!) };
  return { ...o, tree: candidates[o.tree]! };
}

function computeOutcome(e: RecordedExecution, trees: readonly OperationTree[], ownFile: boolean): Outcome {
  let mapping: HistoryMapping | undefined;
  let choice: HandlerChoice;
  if (ownFile && trees.length === 1) {
    // The run says which handler it ran: map it there even when the edit makes it fit poorly.
    mapping = mapHistory(e.record, trees[0]!);
  } else {
    choice = chooseHandler(e.record, trees);
    if (choice.kind === 'ambiguous') {
      return { kind: 'ambiguous', trees: choice.candidates.map((m) => trees.indexOf(m.tree)).filter((i) => i >= 0) };
    }
    if (choice.kind === 'none') {
      if (!ownFile || !choice.best) return { kind: 'none' };
      mapping = choice.best;
    } else mapping = choice.mapping;
  }
  const tree = trees.indexOf(mapping.tree);
  if (tree < 0) return { kind: 'none' };
  const index = new Map<OperationNode, number>();
  mapping.tree.operations.forEach((o, i) => index.set(o, i));
  // The SDK stops at the first mismatch it replays: later ones are never reached, and fixing the first
  // (usually one inserted or renamed call) fixes them all, so only that one is reported.
  const breaks = replayMismatches(mapping)
    .filter((d: Drift) => d.breaksReplay)
    .slice(0, 1)
    .map((d: Drift) => ({ op: d.node ? (index.get(d.node) ?? -1) : -1, message: sentence(d.message) }));
  return { kind: 'fits', tree, breaks };
}

/**
 * Where a diagnostic about this tree goes: the call site (callee through its name argument), or the handler's
 * head when there is no call site or it is in another file than `home` (a helper: the plugin shows the file it checks).
 */
function anchorOf(tsm: TS, tree: OperationTree, op: number, home: string | undefined): { sf: ts.SourceFile; start: number; end: number; elsewhere?: OperationNode } {
  const node = op >= 0 ? tree.operations[op] : undefined;
  if (node && (home === undefined || sameFile(node.file, home))) {
    const sf = node.call.getSourceFile();
    const first = node.call.arguments[0];
    const named = first !== undefined && (tsm.isStringLiteralLike(first) || tsm.isTemplateExpression(first) || tsm.isIdentifier(first));
    return { sf, start: node.call.getStart(sf), end: named ? first.getEnd() : node.call.expression.getEnd() };
  }
  const handlerSf = tree.handler.sourceFile;
  // An operation in a helper of another file: underline the call in the handler's file that leads there.
  const via = node ? helperCallLeadingTo(tsm, tree, node, handlerSf) : undefined;
  if (via) return { sf: handlerSf, start: via.getStart(handlerSf), end: via.expression.getEnd(), elsewhere: node };
  const fn = tree.handler.node;
  const start = fn.getStart(handlerSf);
  const bodyStart = fn.body ? fn.body.getStart(handlerSf) : fn.getEnd();
  return { sf: handlerSf, start, end: Math.max(start, Math.min(bodyStart, start + 200)), ...(node ? { elsewhere: node } : {}) };
}

/** The call in `sf` through which the walk reached the helper holding `node` (its first helper by name). */
function helperCallLeadingTo(tsm: TS, tree: OperationTree, node: OperationNode, sf: ts.SourceFile): ts.CallExpression | ts.NewExpression | undefined {
  const first = node.via[0];
  if (first === undefined) return undefined;
  for (const [call, fn] of tree.helperCalls) {
    if (call.getSourceFile() === sf && functionName(tsm, fn) === first) return call;
  }
  return undefined;
}

interface Site {
  readonly fileName: string;
  readonly sf: ts.SourceFile;
  readonly start: number;
  readonly end: number;
  readonly entries: { readonly e: RecordedExecution; readonly message: string }[];
}

/**
 * replay-mismatch findings of `executions` against `trees` (the handlers they may belong to, from any files).
 * Each execution is checked against the handler it fits (`chooseHandler`; its own file's when it says);
 * executions breaking at one call site share one finding; executions that fit several handlers equally are
 * reported once. Suppression comments apply. Never throws: a failure is reported to options.onError.
 */
export function replayMismatchFindings(tsm: TS, trees: readonly OperationTree[], executions: readonly RecordedExecution[], options: ReplayCheckOptions = {}, home?: string): Finding[] {
  if ((options.severity ?? RULE_CATALOG[RULE].defaultSeverity) === 'off' || trees.length === 0 || executions.length === 0) return [];
  return withErrorSink(options.onError, () => {
    const sites = new Map<string, Site>();
    const ambiguous = new Map<string, { trees: number[]; executions: RecordedExecution[] }>();
    for (const e of executions) {
      let outcome: Outcome;
      try {
        outcome = outcomeOf(e, trees);
      } catch (err) {
        reportInternalError(err, RULE, e.label);
        continue;
      }
      if (outcome.kind === 'none') continue;
      if (outcome.kind === 'ambiguous') {
        const key = outcome.trees.join(',');
        const a = ambiguous.get(key) ?? { trees: [...outcome.trees], executions: [] as RecordedExecution[] };
        a.executions.push(e);
        ambiguous.set(key, a);
        continue;
      }
      const tree = trees[outcome.tree]!;
      for (const b of outcome.breaks) {
        try {
          const at = anchorOf(tsm, tree, b.op, home);
          const where = at.elsewhere ? ` (at ${at.elsewhere.file.split(/[\\/]/).pop()}:${at.elsewhere.line}, reached from handler ${tree.handler.name})` : '';
          const key = `${at.sf.fileName}\u0000${at.start}\u0000${at.end}`;
          const site = sites.get(key) ?? { fileName: at.sf.fileName, sf: at.sf, start: at.start, end: at.end, entries: [] };
          // One execution breaks once per site: the first (earliest) mismatch there says it.
          if (!site.entries.some((x) => x.e === e)) site.entries.push({ e, message: b.message + where });
          sites.set(key, site);
        } catch (err) {
          reportInternalError(err, RULE, tree.handler.sourceFile.fileName);
        }
      }
    }
    const out: Finding[] = [];
    const max = Math.max(1, options.maxNamed ?? DEFAULT_MAX_NAMED);
    for (const site of sites.values()) {
      const entries = [...site.entries].sort((a, b) => Number(b.e.running) - Number(a.e.running) || ordinal(a.e.label, b.e.label));
      const running = entries.some((x) => x.e.running);
      const severity = severityFor(options.severity, running);
      if (!severity) continue;
      const first = entries[0]!;
      let message: string;
      if (entries.length === 1) {
        const consequence = first.e.running
          ? `Resuming execution ${quote(first.e.label)} (running) would fail with NonDeterministicExecutionError.`
          : `Execution ${quote(first.e.label)} has ended (${String(first.e.record.execution.status).toLowerCase()}); one like it still in flight would fail with NonDeterministicExecutionError when it resumes.`;
        message = fill(MESSAGES.one!, { drift: first.message, consequence });
      } else {
        const named = entries.slice(0, max).map((x) => `${quote(x.e.label)} (${stateOf(x.e)})`);
        const more = entries.length > max ? ` and ${entries.length - max} more` : '';
        message = fill(MESSAGES.many!, { count: String(entries.length), executions: named.join(', ') + more, drift: first.message });
      }
      out.push({ rule: RULE, severity, message, fileName: site.fileName, start: site.start, end: site.end });
    }
    for (const a of ambiguous.values()) {
      const ts0 = a.trees.map((i) => trees[i]!).filter(Boolean);
      if (ts0.length === 0) continue;
      const running = a.executions.some((e) => e.running);
      const severity = severityFor(options.severity, running) === undefined ? undefined : ('info' as Severity);
      if (!severity) continue;
      const at = anchorOf(tsm, ts0[0]!, -1, home);
      const named = a.executions.slice(0, max).map((e) => quote(e.label));
      const more = a.executions.length > max ? ` and ${a.executions.length - max} more` : '';
      const handlers = ts0.map((t) => `${t.handler.name} (${t.handler.sourceFile.fileName.split(/[\\/]/).pop()})`).join(', ');
      const message = fill(MESSAGES.ambiguous!, { count: String(a.executions.length), handlers, executions: named.join(', ') + more });
      out.push({ rule: RULE, severity, message, fileName: at.sf.fileName, start: at.start, end: at.end });
    }
    return applySuppressions(tsm, trees, out).sort((x, y) => ordinal(x.fileName, y.fileName) || x.start - y.start || x.end - y.end);
  });
}

function applySuppressions(tsm: TS, trees: readonly OperationTree[], findings: Finding[]): Finding[] {
  if (findings.length === 0) return findings;
  const files = new Map<string, ts.SourceFile>();
  for (const t of trees) {
    files.set(t.handler.sourceFile.fileName, t.handler.sourceFile);
    for (const o of t.operations) files.set(o.call.getSourceFile().fileName, o.call.getSourceFile());
  }
  const bySf = new Map<string, ReturnType<typeof parseSuppressions>>();
  return findings.filter((f) => {
    const sf = files.get(f.fileName);
    if (!sf) return true;
    let s = bySf.get(f.fileName);
    if (!s) bySf.set(f.fileName, (s = parseSuppressions(tsm, sf)));
    if (s.size === 0) return true;
    const d = s.get(tsm.getLineAndCharacterOfPosition(sf, f.start).line);
    return !(d && (d.all || d.rules.has(RULE)));
  });
}

/** The operation trees of the handlers declared in `sf` (helpers are not handlers: no history starts there). */
export function handlerTrees(tsm: TS, sf: ts.SourceFile, checker: ts.TypeChecker | undefined): OperationTree[] {
  return findDurableFunctions(tsm, sf, checker)
    .filter((f) => f.kind === 'handler')
    .map((f) => operationTree(tsm, f, checker));
}

interface FileEntry {
  /** The files the answer was read from, as the program had them: another program with the same ones gives the same answer. */
  readonly deps: readonly (readonly [string, ts.SourceFile])[];
  readonly executionsKey: string;
  readonly severity: SeveritySetting | undefined;
  readonly maxNamed: number | undefined;
  readonly findings: readonly Finding[];
}

const byFile = new WeakMap<ts.SourceFile, FileEntry>();

/**
 * replay-mismatch findings for one file (the tsserver plugin's question): its handlers against `executions`.
 * Cached per source file: a new Program in which this file and the helper files its handlers reach are the
 * same objects (an edit elsewhere) gives the cached answer without building a tree.
 */
export function replayMismatchFindingsForFile(
  tsm: TS,
  program: ts.Program | undefined,
  sf: ts.SourceFile,
  executions: readonly RecordedExecution[],
  options: ReplayCheckOptions = {},
): Finding[] {
  if ((options.severity ?? RULE_CATALOG[RULE].defaultSeverity) === 'off' || executions.length === 0) return [];
  const executionsKey = executions.map((e) => e.key).join('\u0000');
  const hit = byFile.get(sf);
  if (
    hit &&
    hit.executionsKey === executionsKey &&
    hit.severity === options.severity &&
    hit.maxNamed === options.maxNamed &&
    hit.deps.every(([name, dep]) => (program ? program.getSourceFile(name) === dep : dep === sf))
  ) {
    return hit.findings.slice();
  }
  let findings: Finding[] = [];
  const deps = new Map<string, ts.SourceFile>([[sf.fileName, sf]]);
  try {
    let checker: ts.TypeChecker | undefined;
    try {
      checker = program?.getTypeChecker();
    } catch (e) {
      options.onError?.({ reason: 'internal', rule: RULE, file: sf.fileName, message: e instanceof Error ? e.message : String(e), detail: e instanceof Error ? e.stack : undefined });
    }
    const trees = withErrorSink(options.onError, () => handlerTrees(tsm, sf, checker));
    for (const t of trees) for (const o of t.operations) deps.set(o.call.getSourceFile().fileName, o.call.getSourceFile());
    findings = replayMismatchFindings(tsm, trees, executions, options, sf.fileName);
  } catch (e) {
    options.onError?.({ reason: 'internal', rule: RULE, file: sf.fileName, message: e instanceof Error ? e.message : String(e), detail: e instanceof Error ? e.stack : undefined });
  }
  byFile.set(sf, { deps: [...deps], executionsKey, severity: options.severity, maxNamed: options.maxNamed, findings });
  return findings.slice();
}

/** Local run statuses (src/local/types.ts) that have not ended: the run resumes with the current code. */
const LOCAL_RUNNING = new Set(['starting', 'running', 'waiting']);
const LOCAL_ENDED_STATUS: Readonly<Record<string, string>> = { succeeded: 'SUCCEEDED', failed: 'FAILED', cancelled: 'STOPPED', crashed: 'FAILED', timedOut: 'TIMED_OUT' };

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

export function joinPath(dir: string, rel: string): string {
  return `${dir.replace(/[\\/]+$/, '')}/${rel}`;
}

/**
 * One history file's text to a recorded execution. Local run files (`{version, id, handlerFile, status, events}`)
 * name their handler and whether they still run; other histories run until their events say they ended.
 */
export function recordedExecutionFromText(file: string, text: string, version: string, maxBytes: number): RecordedExecution {
  const parsed = parseHistoryText(text, maxBytes);
  const raw = (parsed.execution ?? {}) as Record<string, unknown>;
  const localStatus = str(raw.status);
  const isLocalRun = raw.version === 1 && str(raw.id) !== undefined && str(raw.handlerFile) !== undefined && localStatus !== undefined;
  const summary: Partial<ExecutionSummary> = {};
  const name = str(raw.DurableExecutionName) ?? str(raw.Name) ?? str((raw.Execution as Record<string, unknown> | undefined)?.DurableExecutionName);
  if (name) summary.name = name;
  const arn = str(raw.DurableExecutionArn);
  if (arn) summary.arn = arn;
  const record = buildExecutionRecord(parsed.events, summary);
  let running = record.execution.status === 'RUNNING';
  let handlerFile: string | undefined;
  let handlerExport: string | undefined;
  if (isLocalRun) {
    running = LOCAL_RUNNING.has(localStatus!);
    // A run that crashed or was cancelled has no terminal event: its saved status says it ended.
    if (!running && record.execution.status === 'RUNNING') record.execution.status = LOCAL_ENDED_STATUS[localStatus!] ?? 'STOPPED';
    const hf = str(raw.handlerFile)!;
    // Saved runs hold absolute paths; a relative one is relative to the workspace (the folder above .durable-lens/runs).
    handlerFile = isAbsolutePath(hf) ? hf : joinPath(file.replace(/[\\/]\.durable-lens[\\/]runs[\\/][^\\/]+$/, ''), hf);
    handlerExport = str(raw.handlerExport) ?? 'handler';
  }
  const label = record.execution.name ?? (isLocalRun ? `local run ${str(raw.id)}` : baseName(file).replace(/(\.history)?\.json$/i, ''));
  return { key: `${file}@${version}`, label, record, running, ...(handlerFile ? { handlerFile } : {}), ...(handlerExport ? { handlerExport } : {}) };
}

