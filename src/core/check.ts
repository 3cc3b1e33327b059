// Core (pure): the one entry point the CLI and the tsserver plugin call to get replay-safety findings
// for a file: runs the rules over the file's replayed/checkpointed regions, then applies suppression
// comments and severity overrides. Raw findings (and the internal errors met) are cached per (program, file).
import type * as ts from 'typescript';
import type { CheckOptions, Finding, TS } from './analysis/model';
import { CHECKPOINTED_METHODS, CHILD_CONTEXT_METHODS, findContextInScope, operationOfCallback } from './analysis/operations';
import { isTooLarge, MAX_ANALYSED_CHARS, regionsOfFile, type Region } from './analysis/replay';
import { reportInternalError, toAnalysisError, withErrorSink, type AnalysisError } from './errors';
import { isFunctionWithBody } from './analysis/scope';
import { RULE_CATALOG, RuleId, isRuleId } from './rules/catalog';
import { allRules } from './rules/registry';
import type { Rule, RuleContext, RuleVisitor } from './rules/rule';

export const SUPPRESSION_DIRECTIVE = 'durable-lens-ignore-next-line';

interface RawResult {
  readonly findings: Finding[];
  readonly errors: AnalysisError[];
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
    try {
      findings = withErrorSink((e) => void errors.push(e), () => computeFindings(tsm, program, sourceFile, options));
    } catch (e) {
      errors.push(toAnalysisError(e, 'check', sourceFile.fileName));
    }
    raw = { findings, errors };
    perFile.set(sourceFile, raw);
    // Reported once, when computed: a cached answer is the same answer, not a second failure.
    for (const e of errors) safeReport(options, e);
  }
  try {
    return { findings: applyOptions(tsm, sourceFile, raw.findings, options), errors: raw.errors };
  } catch (e) {
    const err = toAnalysisError(e, 'suppressions', sourceFile.fileName);
    safeReport(options, err);
    return { findings: raw.findings.slice(), errors: [...raw.errors, err] };
  }
}

function safeReport(options: CheckOptions | undefined, e: AnalysisError): void {
  try {
    options?.onError?.(e);
  } catch {
    // The caller's sink failing must not lose the result it was told about.
  }
}

function computeFindings(tsm: TS, program: ts.Program | undefined, sf: ts.SourceFile, options: CheckOptions | undefined): Finding[] {
  const regions = regionsOfFile(tsm, program, sf, options?.index);
  if (regions.length === 0) return [];
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
      runRegion(tsm, checker, sf, region, rules, findings, seen);
    } catch (e) {
      // one broken region does not hide the others' findings
      reportInternalError(e, 'check', sf.fileName);
    }
  }
  findings.sort((a, b) => a.start - b.start || a.end - b.end || a.rule.localeCompare(b.rule));
  return findings;
}

function runRegion(
  tsm: TS,
  checker: ts.TypeChecker | undefined,
  sf: ts.SourceFile,
  region: Region,
  rules: { rule: Rule; visit: RuleVisitor }[],
  out: Finding[],
  seen: Set<string>,
): void {
  const active = rules.filter((r) => r.rule.modes.includes(region.mode));
  if (active.length === 0 || !region.fn.body) return;
  let current: Rule = active[0]!.rule;
  const suffix = reachSuffix(region);
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
      const message = template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '') + suffix;
      const finding: Finding = {
        rule,
        severity: RULE_CATALOG[rule].defaultSeverity,
        message,
        fileName: sf.fileName,
        start,
        end,
        ...(region.via.length > 1 ? { via: region.via } : {}),
        ...(region.via.length > 1 && region.root.kind === 'handler' ? { handler: handlerInfo(region) } : {}),
      };
      out.push(finding);
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

function handlerInfo(region: Region): { name: string; fileName: string; line: number } {
  const sf = region.root.sourceFile;
  let line = 1;
  try {
    line = sf.getLineAndCharacterOfPosition(region.root.node.getStart(sf)).line + 1;
  } catch (e) {
    reportInternalError(e, 'check', sf.fileName);
  }
  return { name: region.root.name, fileName: sf.fileName, line };
}

function reachSuffix(region: Region): string {
  if (region.via.length <= 1) return '';
  const kind = region.root.kind === 'handler' ? 'handler' : 'durable helper';
  return ` (reached from ${kind} ${region.root.name} via ${region.via.join(' → ')})`;
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
  const suppressions = parseSuppressions(tsm, sf);
  const severities = options?.severities ?? {};
  const out: Finding[] = [];
  for (const f of raw) {
    const setting = severities[f.rule as RuleId];
    if (setting === 'off') continue;
    if (suppressions.size > 0) {
      const line = tsm.getLineAndCharacterOfPosition(sf, f.start).line;
      const d = suppressions.get(line);
      if (d && (d.all || d.rules.has(f.rule))) continue;
    }
    out.push(setting && isRuleId(f.rule) ? { ...f, severity: setting } : f);
  }
  return out;
}
