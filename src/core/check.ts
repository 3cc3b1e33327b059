// Core (pure): the one entry point the CLI and the tsserver plugin call to get replay-safety findings
// for a file: runs the rules over the file's replayed/checkpointed regions, then applies suppression
// comments and severity overrides, and adds a finding at each call that leads to a finding in another file
// (a helper's Math.random is visible from the handler). Raw findings (and the errors met) are cached per (program, file).
import type * as ts from 'typescript';
import type { CheckOptions, DurableFunction, Finding, ReachedFinding, TS } from './analysis/model';
import { CHECKPOINTED_METHODS, CHILD_CONTEXT_METHODS, findContextInScope, operationOfCallback } from './analysis/operations';
import { isTooLarge, MAX_ANALYSED_CHARS, regionsOfFile, regionsReadingFile, type Mode, type Region, type RegionLink } from './analysis/replay';
import { reportInternalError, toAnalysisError, withErrorSink, type AnalysisError } from './errors';
import { isFunctionWithBody } from './analysis/scope';
import { RULE_CATALOG, RuleId, isRuleId } from './rules/catalog';
import { allRules } from './rules/registry';
import type { Rule, RuleContext, RuleVisitor } from './rules/rule';

export const SUPPRESSION_DIRECTIVE = 'durable-lens-ignore-next-line';

interface RawResult {
  readonly findings: Finding[];
  readonly errors: AnalysisError[];
  /** Each finding's region and its message without the "reached from" part (for call-site findings). */
  readonly origin: Map<Finding, { readonly region: Region; readonly base: string }>;
}

const rawCache = new WeakMap<object, WeakMap<ts.SourceFile, RawResult>>();
const syntaxOnlyKey = {};

export { MAX_ANALYSED_CHARS };

/** What one file's check gives: the findings, and what kept the analysis from being complete. */
export interface FileCheck {
  readonly findings: Finding[];
  /** Internal failures met while analysing the file (also sent to options.onError). Never "no findings" in disguise. */
  readonly errors: readonly AnalysisError[];
  /** Set when the file was not analysed at all. */
  readonly skipped?: { readonly reason: 'too-large'; readonly chars: number; readonly limit: number };
}

/**
 * Findings for one source file. `program` undefined = syntax-only mode (no cross-file following,
 * no type checker). Never throws: on internal failure returns what it has (possibly []), and reports the
 * failure to `options.onError`.
 */
export function checkSourceFile(tsm: TS, program: ts.Program | undefined, sourceFile: ts.SourceFile, options?: CheckOptions): Finding[] {
  return checkFile(tsm, program, sourceFile, options).findings;
}

/** checkSourceFile with what went wrong: the errors met (each also sent to options.onError) and a skip. */
export function checkFile(tsm: TS, program: ts.Program | undefined, sourceFile: ts.SourceFile, options?: CheckOptions): FileCheck {
  if (isTooLarge(sourceFile)) return { findings: [], errors: [], skipped: { reason: 'too-large', chars: sourceFile.text.length, limit: MAX_ANALYSED_CHARS } };
  const raw = rawResult(tsm, program, sourceFile, options);
  let reached: Finding[] = [];
  const errors = [...raw.errors];
  if (program) {
    try {
      reached = withErrorSink((e) => void errors.push(e), () => callSiteFindings(tsm, program, sourceFile, options));
    } catch (e) {
      errors.push(toAnalysisError(e, 'call-sites', sourceFile.fileName));
    }
    for (const e of errors.slice(raw.errors.length)) safeReport(options, e);
  }
  const all = reached.length ? [...raw.findings, ...reached].sort(byPosition) : raw.findings;
  try {
    return { findings: applyOptions(tsm, sourceFile, all, options), errors };
  } catch (e) {
    const err = toAnalysisError(e, 'suppressions', sourceFile.fileName);
    safeReport(options, err);
    return { findings: all.slice(), errors: [...errors, err] };
  }
}

function byPosition(a: Finding, b: Finding): number {
  return a.start - b.start || a.end - b.end || a.rule.localeCompare(b.rule);
}

/** The file's own findings before suppressions and severities, computed once per (program, file). */
function rawResult(tsm: TS, program: ts.Program | undefined, sourceFile: ts.SourceFile, options: CheckOptions | undefined): RawResult {
  let raw: RawResult;
  const key = program ?? syntaxOnlyKey;
  let perFile = rawCache.get(key);
  if (!perFile) {
    perFile = new WeakMap();
    rawCache.set(key, perFile);
  }
  const cached = perFile.get(sourceFile);
  if (cached) raw = cached;
  else {
    const errors: AnalysisError[] = [];
    let findings: Finding[] = [];
    const origin = new Map<Finding, { region: Region; base: string }>();
    try {
      findings = withErrorSink((e) => void errors.push(e), () => computeFindings(tsm, program, sourceFile, options, origin));
    } catch (e) {
      errors.push(toAnalysisError(e, 'check', sourceFile.fileName));
    }
    raw = { findings, errors, origin };
    perFile.set(sourceFile, raw);
    // Reported once, when computed: a cached answer is the same answer, not a second failure.
    for (const e of errors) safeReport(options, e);
  }
  return raw;
}

function safeReport(options: CheckOptions | undefined, e: AnalysisError): void {
  try {
    options?.onError?.(e);
  } catch {
    // The caller's sink failing must not lose the result it was told about.
  }
}

function computeFindings(
  tsm: TS,
  program: ts.Program | undefined,
  sf: ts.SourceFile,
  options: CheckOptions | undefined,
  origin: Map<Finding, { region: Region; base: string }>
): Finding[] {
  const regions = regionsOfFile(tsm, program, sf, options?.index);
  if (regions.length === 0) return [];
  // Every walk's copy of this file's functions, to name every handler that reaches them (not only the first).
  const copies = new Map<ts.Node, Region[]>();
  if (program && regions.some((r) => r.via.length > 1)) {
    for (const r of regionsReadingFile(tsm, program, sf, options?.index)) {
      if (r.fn.getSourceFile() !== sf) continue;
      let list = copies.get(r.fn);
      if (!list) copies.set(r.fn, (list = []));
      list.push(r);
    }
  }
  let checker: ts.TypeChecker | undefined;
  try {
    checker = program?.getTypeChecker();
  } catch (e) {
    reportInternalError(e, 'check', sf.fileName);
    checker = undefined;
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const rules = allRules().map((rule) => ({ rule, visit: rule.create() }));
  for (const region of regions) {
    try {
      const same = (copies.get(region.fn) ?? []).filter((c) => c.mode === region.mode);
      runRegion(tsm, checker, sf, region, same.length ? same : [region], rules, findings, seen, origin);
    } catch (e) {
      // one broken region does not hide the others' findings
      reportInternalError(e, 'check', sf.fileName);
    }
  }
  findings.sort(byPosition);
  return findings;
}

function runRegion(
  tsm: TS,
  checker: ts.TypeChecker | undefined,
  sf: ts.SourceFile,
  region: Region,
  copies: readonly Region[],
  rules: { rule: Rule; visit: RuleVisitor }[],
  out: Finding[],
  seen: Set<string>,
  origin: Map<Finding, { region: Region; base: string }>
): void {
  const active = rules.filter((r) => r.rule.modes.includes(region.mode));
  if (active.length === 0 || !region.fn.body) return;
  let current: Rule = active[0]!.rule;
  const handlers = region.via.length > 1 ? reachingHandlers(copies).map((h) => handlerInfo(h)) : [];
  const suffix = reachSuffix(region, handlers, sf.fileName);
  const context: RuleContext = {
    ts: tsm,
    checker,
    sourceFile: sf,
    region,
    report(node, messageId, data) {
      let start: number;
      try {
        start = node.getStart(sf);
      } catch (e) {
        reportInternalError(e, current.meta.id, sf.fileName);
        return;
      }
      const end = node.getEnd();
      const rule = current.meta.id;
      const key = `${rule}:${start}:${end}`;
      if (seen.has(key)) return;
      seen.add(key);
      const template = current.meta.messages[messageId] ?? messageId;
      const values: Record<string, string> = { ctx: findContextInScope(tsm, node, checker) ?? 'context', ...(data ?? {}) };
      const base = template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '');
      const finding: Finding = {
        rule,
        severity: RULE_CATALOG[rule].defaultSeverity,
        message: base + suffix,
        fileName: sf.fileName,
        start,
        end,
        ...(region.via.length > 1 ? { via: region.via } : {}),
        ...(handlers.length > 0 ? { handler: handlers[0]!, handlers } : {}),
      };
      out.push(finding);
      origin.set(finding, { region, base });
    },
  };
  const visit = (node: ts.Node): void => {
    if (tsm.isFunctionLike(node) && isFunctionWithBody(tsm, node)) {
      const op = operationOfCallback(tsm, node, checker);
      // Callbacks of operations are regions of their own (checkpointed or child context).
      if (op && (CHECKPOINTED_METHODS.has(op.method) || CHILD_CONTEXT_METHODS.has(op.method))) return;
    }
    for (const r of active) {
      current = r.rule;
      try {
        r.visit(node, context);
      } catch (e) {
        // a rule failing on odd code skips this node only, and says so
        reportInternalError(e, r.rule.meta.id, sf.fileName);
      }
    }
    tsm.forEachChild(node, visit);
  };
  const body = region.fn.body;
  if (tsm.isBlock(body)) tsm.forEachChild(body, visit);
  else visit(body);
}

type HandlerInfo = { name: string; fileName: string; line: number };

function handlerInfo(root: DurableFunction): HandlerInfo {
  const sf = root.sourceFile;
  let line = 1;
  try {
    line = sf.getLineAndCharacterOfPosition(root.node.getStart(sf)).line + 1;
  } catch (e) {
    reportInternalError(e, 'check', sf.fileName);
  }
  return { name: root.name, fileName: sf.fileName, line };
}

/**
 * The handlers whose walks reach these regions, through any caller (the walk enters a function once, so its
 * other callers are links, `alsoFrom`): in project file order, then by position.
 */
function reachingHandlers(copies: readonly Region[]): DurableFunction[] {
  const roots = new Set<DurableFunction>();
  const visited = new Set<Region>();
  const stack = [...copies];
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (visited.has(r)) continue;
    visited.add(r);
    if (r.root.kind === 'handler') roots.add(r.root);
    if (r.from) stack.push(r.from.parent);
    for (const l of r.alsoFrom ?? []) stack.push(l.parent);
  }
  const byNode = new Map<ts.Node, DurableFunction>();
  for (const h of roots) if (!byNode.has(h.node)) byNode.set(h.node, h);
  return [...byNode.values()];
}

function reachSuffix(region: Region, handlers: readonly HandlerInfo[], fileName: string): string {
  if (region.via.length <= 1) return '';
  const via = region.via.join(' → ');
  const at = (h: HandlerInfo) => `"${h.name}" (${relativePath(fileName, h.fileName)}:${h.line})`;
  if (handlers.length === 0) return ` (reached from durable helper "${region.root.name}" via ${via})`;
  if (handlers.length === 1) return ` (reached from handler ${at(handlers[0]!)} via ${via})`;
  return ` (reached from handlers ${handlers.map(at).join(', ')}; via ${via})`;
}

/** `helpers/ids.ts` for a file below the one the message is shown in, `../handler.ts` above it (core has no path module). */
export function relativePath(fromFile: string, toFile: string): string {
  const a = fromFile.replace(/\\/g, '/').split('/').slice(0, -1);
  const b = toFile.replace(/\\/g, '/').split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

/**
 * Findings at the calls in `sf` that lead to findings in other files: one per call and rule, with the rule's
 * severity there, its message naming what the helper does and where, and those findings as `reaches`. A
 * finding suppressed or turned off in its own file leads to nothing here.
 */
function callSiteFindings(tsm: TS, program: ts.Program, sf: ts.SourceFile, options: CheckOptions | undefined): Finding[] {
  // Regions in other files reached through calls in sf, by function and mode: the calls in sf that lead there.
  // Keyed by the call's node: several walks (one per root file) each have their own link for the same call.
  const sites = new Map<ts.Node, Map<Mode, Map<ts.Node, RegionLink>>>();
  const files = new Set<ts.SourceFile>();
  for (const r of regionsReadingFile(tsm, program, sf, options?.index)) {
    const file = r.fn.getSourceFile();
    if (file === sf) continue;
    const links = callsIn(sf, r);
    if (links.size === 0) continue;
    let modes = sites.get(r.fn);
    if (!modes) sites.set(r.fn, (modes = new Map()));
    let set = modes.get(r.mode);
    if (!set) modes.set(r.mode, (set = new Map()));
    for (const l of links) if (!set.has(l.node)) set.set(l.node, l);
    files.add(file);
  }
  if (files.size === 0) return [];
  const groups = new Map<string, { link: RegionLink; rule: Finding['rule']; severity: Finding['severity']; targets: { f: Finding; base: string; file: ts.SourceFile }[] }>();
  for (const file of files) {
    if (isTooLarge(file)) continue;
    const raw = rawResult(tsm, program, file, options);
    for (const [f, final] of optionPairs(tsm, file, raw.findings, options)) {
      const o = raw.origin.get(f);
      if (!o || f.reaches) continue;
      for (const link of sites.get(o.region.fn)?.get(o.region.mode)?.values() ?? []) {
        const key = `${link.node.pos}:${link.node.end}:${final.rule}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { link, rule: final.rule, severity: final.severity, targets: [] }));
        g.targets.push({ f: final, base: o.base, file });
      }
    }
  }
  const out: Finding[] = [];
  for (const g of groups.values()) {
    g.targets.sort((a, b) => (a.file === b.file ? 0 : a.file.fileName < b.file.fileName ? -1 : 1) || a.f.start - b.f.start);
    const reaches: ReachedFinding[] = g.targets.map(({ f, file }) => {
      const p = file.getLineAndCharacterOfPosition(f.start);
      return { fileName: f.fileName, start: f.start, end: f.end, line: p.line + 1, column: p.character + 1, message: f.message };
    });
    const first = g.targets[0]!;
    const r0 = reaches[0]!;
    const call = isCallee(tsm, g.link.node) ? `${g.link.name}()` : g.link.name;
    const what = snippet(first.file.text.slice(first.f.start, first.f.end));
    const more = reaches.length > 1 ? ` (and ${reaches.length - 1} more there)` : '';
    out.push({
      rule: g.rule,
      severity: g.severity,
      message: `${call} reaches ${what} in ${relativePath(sf.fileName, r0.fileName)}:${r0.line}: ${first.base}${more}`,
      fileName: sf.fileName,
      start: g.link.node.getStart(sf),
      end: g.link.node.getEnd(),
      reaches,
    });
  }
  return out;
}

/** The calls in `sf` through which the walk reaches `r` (the last ones in `sf` on each path from a root). */
function callsIn(sf: ts.SourceFile, r: Region): Set<RegionLink> {
  const out = new Set<RegionLink>();
  const visited = new Set<Region>();
  const stack: Region[] = [r];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (visited.has(x)) continue;
    visited.add(x);
    for (const l of x.from ? [x.from, ...(x.alsoFrom ?? [])] : (x.alsoFrom ?? [])) {
      if (l.parent.fn.getSourceFile() === sf) out.add(l);
      else stack.push(l.parent);
    }
  }
  return out;
}

function isCallee(tsm: TS, node: ts.Node): boolean {
  const p = node.parent;
  return p !== undefined && (tsm.isCallExpression(p) || tsm.isNewExpression(p)) && p.expression === node;
}

function snippet(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 48 ? `${t.slice(0, 47)}…` : t;
}

interface Directive {
  readonly all: boolean;
  readonly rules: ReadonlySet<string>;
}

/** Target line (0-based) → suppression, from `// durable-lens-ignore-next-line a, b -- reason` comments. */
export function parseSuppressions(tsm: TS, sf: ts.SourceFile): Map<number, Directive> {
  const out = new Map<number, Directive>();
  const text = sf.text;
  if (!text.includes(SUPPRESSION_DIRECTIVE)) return out;
  const re = /\/\/[ \t]*durable-lens-ignore-next-line\b([^\r\n]*)/g;
  const lineStarts = sf.getLineStarts();
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = (m[1] ?? '').split('--')[0]!.trim();
    const names = spec.split(/[\s,]+/).filter((s) => s.length > 0);
    const directive: Directive = { all: names.length === 0, rules: new Set(names) };
    let line = tsm.getLineAndCharacterOfPosition(sf, m.index).line + 1;
    // Stacked directives (one per line) all apply to the first line of code below them.
    while (line < lineStarts.length) {
      const lineText = text.slice(lineStarts[line], line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length).trim();
      if (lineText.startsWith('//') && lineText.includes(SUPPRESSION_DIRECTIVE)) line++;
      else break;
    }
    const prev = out.get(line);
    if (prev) out.set(line, { all: prev.all || directive.all, rules: new Set([...prev.rules, ...directive.rules]) });
    else out.set(line, directive);
  }
  return out;
}

function applyOptions(tsm: TS, sf: ts.SourceFile, raw: readonly Finding[], options: CheckOptions | undefined): Finding[] {
  return optionPairs(tsm, sf, raw, options).map(([, f]) => f);
}

/** Each finding that survives suppressions and 'off', with its effective severity: [raw, final]. */
function optionPairs(tsm: TS, sf: ts.SourceFile, raw: readonly Finding[], options: CheckOptions | undefined): [Finding, Finding][] {
  const suppressions = parseSuppressions(tsm, sf);
  const severities = options?.severities ?? {};
  const out: [Finding, Finding][] = [];
  for (const f of raw) {
    const setting = severities[f.rule as RuleId];
    if (setting === 'off') continue;
    if (suppressions.size > 0) {
      const line = tsm.getLineAndCharacterOfPosition(sf, f.start).line;
      const d = suppressions.get(line);
      if (d && (d.all || d.rules.has(f.rule))) continue;
    }
    out.push([f, setting && isRuleId(f.rule) ? { ...f, severity: setting } : f]);
  }
  return out;
}
