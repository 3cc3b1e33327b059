// Core (pure): the one entry point the CLI and the tsserver plugin call to get replay-safety findings
// for a file: runs the rules over the file's replayed/checkpointed regions, then applies suppression
// comments and severity overrides. Raw findings are cached per (program, file).
import type * as ts from 'typescript';
import type { CheckOptions, Finding, TS } from './analysis/model';
import { CHECKPOINTED_METHODS, CHILD_CONTEXT_METHODS, findContextInScope, operationOfCallback } from './analysis/operations';
import { getReplayModel, Region } from './analysis/replay';
import { isFunctionWithBody } from './analysis/scope';
import { RULE_CATALOG, RuleId, isRuleId } from './rules/catalog';
import { allRules } from './rules/registry';
import type { Rule, RuleContext, RuleVisitor } from './rules/rule';

export const SUPPRESSION_DIRECTIVE = 'durable-lens-ignore-next-line';

const rawCache = new WeakMap<object, WeakMap<ts.SourceFile, Finding[]>>();
const syntaxOnlyKey = {};

/**
 * Findings for one source file. `program` undefined = syntax-only mode (no cross-file following,
 * no type checker). Never throws: on internal failure returns what it has (possibly []).
 */
export function checkSourceFile(tsm: TS, program: ts.Program | undefined, sourceFile: ts.SourceFile, options?: CheckOptions): Finding[] {
  let raw: Finding[];
  try {
    const key = program ?? syntaxOnlyKey;
    let perFile = rawCache.get(key);
    if (!perFile) {
      perFile = new WeakMap();
      rawCache.set(key, perFile);
    }
    const cached = perFile.get(sourceFile);
    if (cached) raw = cached;
    else {
      raw = computeFindings(tsm, program, sourceFile);
      perFile.set(sourceFile, raw);
    }
  } catch {
    return [];
  }
  try {
    return applyOptions(tsm, sourceFile, raw, options);
  } catch {
    return raw.slice();
  }
}

function computeFindings(tsm: TS, program: ts.Program | undefined, sf: ts.SourceFile): Finding[] {
  const model = getReplayModel(tsm, program, sf);
  const regions = model.regionsByFile.get(sf);
  if (!regions || regions.length === 0) return [];
  let checker: ts.TypeChecker | undefined;
  try {
    checker = program?.getTypeChecker();
  } catch {
    checker = undefined;
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const rules = allRules().map((rule) => ({ rule, visit: rule.create() }));
  for (const region of regions) {
    try {
      runRegion(tsm, checker, sf, region, rules, findings, seen);
    } catch {
      // one broken region does not hide the others' findings
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
      } catch {
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
      } catch {
        // a rule failing on odd code skips this node only
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
  } catch {
    // keep 1
  }
  return { name: region.root.name, fileName: sf.fileName, line };
}

function reachSuffix(region: Region): string {
  if (region.via.length <= 1) return '';
  const kind = region.root.kind === 'handler' ? 'handler' : 'durable helper';
  return ` (reached from ${kind} \`${region.root.name}\` via ${region.via.join(' → ')})`;
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
