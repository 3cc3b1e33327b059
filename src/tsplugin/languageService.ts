// Runs inside tsserver: decorates a project's LanguageService with durable-lens diagnostics and quick fixes.
// Uses only the `typescript` object it is given; every intercepted call falls back to TypeScript's own result.
import type * as ts from 'typescript';
import type { Finding, LensConfig, TS } from '../core/analysis/model';
import { RULE_CATALOG, RULE_IDS, type Severity } from '../core/rules/catalog';
import { checkFile, MAX_ANALYSED_CHARS, type FileCheck } from '../core/check';
import { createReplayIndex } from '../core/analysis/replay';
import { describeAnalysisError, type AnalysisError } from '../core/errors';
import { findContextInScope } from '../core/analysis/operations';
import { getQuickFixes } from '../core/fixes/quickFixes';
import { tsFixName } from '../core/fixes/fixModel';
import { effectiveSeverities } from '../core/config/projectConfig';
import { replayMismatchDiagnostics, type HistoryStore } from './histories';
import { DIAGNOSTIC_SOURCE, diagnosticSource } from '../core/diagnosticSource';

/** `source` of our notes, and the prefix of every rule's (`durable-lens/<rule>`, see core/diagnosticSource). */
export { DIAGNOSTIC_SOURCE } from '../core/diagnosticSource';
/** Marker property on a decorated service: decorating it again returns it unchanged. */
export const DECORATED_MARKER = '__durableLensDecorated';

export const OUR_CODES: ReadonlySet<number> = new Set(RULE_IDS.map((id) => RULE_CATALOG[id].code));

export interface PluginLogger {
  info(message: string): void;
}

/** What the decorator needs from its surroundings: the configuration now, and a generation that changes with it. */
export interface ConfigSource {
  current(): { readonly config: LensConfig; readonly generation: number };
}

/**
 * VS Code shows Error and Warning in the Problems panel; a tsserver `Message` would be shown as an Error
 * (VS Code maps unknown categories to Error), so `info` becomes `Suggestion`: a hint in the editor (dotted
 * underline with hover and quick fixes), not a Problems entry.
 */
export function categoryOf(tsm: TS, severity: Severity): ts.DiagnosticCategory {
  switch (severity) {
    case 'error':
      return tsm.DiagnosticCategory.Error;
    case 'warning':
      return tsm.DiagnosticCategory.Warning;
    default:
      return tsm.DiagnosticCategory.Suggestion;
  }
}

const ANALYSED_FILE = /\.(tsx?|jsx?|mts|cts|mjs|cjs)$/i;
/** Dependencies are not the user's code to fix. */
const DEPENDENCY_PATH = /[\\/]node_modules[\\/]/;
export { MAX_ANALYSED_CHARS };
/**
 * Code of our one note per file that is not a finding: the file was skipped (too large) or its analysis met
 * an internal error. Not a rule, so no quick fix and no severity setting.
 */
export const NOTE_CODE = 91000;

interface CacheEntry {
  readonly program: ts.Program;
  /** The host's project version when the entry was made (tsserver bumps it on any change in the project). */
  readonly projectVersion: string | undefined;
  readonly generation: number;
  readonly sf: ts.SourceFile;
  readonly findings: readonly Finding[];
  readonly check: FileCheck;
  /** The findings as diagnostics, made once per entry. */
  diagnostics?: ts.Diagnostic[];
}

/**
 * `getProjectVersion` (tsserver's project host has it) lets a repeated request skip `getProgram()`, whose
 * up-to-date check over every file would otherwise double TypeScript's own cost of an unchanged request.
 */
export function decorateLanguageService(
  tsm: TS,
  ls: ts.LanguageService,
  configSource: ConfigSource,
  logger: PluginLogger,
  getProjectVersion: () => string | undefined = () => undefined,
  /** Recorded executions for replay-mismatch (none: the rule has nothing to check). */
  histories?: HistoryStore
): ts.LanguageService {
  if ((ls as unknown as Record<string, unknown>)[DECORATED_MARKER]) return ls;
  // Findings depend on other files (helpers) too; a program object is replaced whenever any file changes.
  const cache = new Map<string, CacheEntry>();
  // The model kept across Programs: a keystroke re-walks the edited file and the files that read it only.
  const index = createReplayIndex();
  const onError = (e: AnalysisError) => {
    try {
      logger.info(`[durable-lens] internal error: ${describeAnalysisError(e)}${e.detail ? `\n${e.detail}` : ''}`);
    } catch {
      // The logger itself failing must not reach tsserver either.
    }
  };

  const log = (what: string, e: unknown) => {
    try {
      logger.info(`[durable-lens] ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } catch {
      // The logger itself failing must not reach tsserver either.
    }
  };

  const findingsFor = (fileName: string): CacheEntry | undefined => {
    if (!ANALYSED_FILE.test(fileName) || /\.d\.[mc]?ts$/i.test(fileName) || DEPENDENCY_PATH.test(fileName)) return undefined;
    const { config, generation } = configSource.current();
    if (config.enabled === false) return undefined;
    const projectVersion = getProjectVersion();
    const hit = cache.get(fileName);
    if (hit && hit.generation === generation && projectVersion !== undefined && hit.projectVersion === projectVersion) return hit;
    const program = ls.getProgram();
    const sf = program?.getSourceFile(fileName);
    if (!program || !sf) return undefined;
    if (hit && hit.program === program && hit.generation === generation) return hit;
    const check = checkFile(tsm, program, sf, { severities: effectiveSeverities(config), index, onError });
    const entry: CacheEntry = { program, projectVersion, generation, sf, findings: check.findings, check };
    cache.set(fileName, entry);
    return entry;
  };

  const proxy: ts.LanguageService = Object.create(null);
  for (const key of Object.keys(ls) as (keyof ts.LanguageService)[]) {
    const original = ls[key];
    (proxy as unknown as Record<string, unknown>)[key] = typeof original === 'function' ? (...args: unknown[]) => (original as (...a: unknown[]) => unknown).apply(ls, args) : original;
  }
  (proxy as unknown as Record<string, unknown>)[DECORATED_MARKER] = true;

  proxy.getSemanticDiagnostics = (fileName) => {
    const own = ls.getSemanticDiagnostics(fileName);
    try {
      const result = findingsFor(fileName);
      if (!result) return own;
      result.diagnostics ??= [
        ...notes(tsm, result.sf, result.check),
        ...result.findings.map((f) => ({
          file: result.sf,
          start: f.start,
          length: Math.max(0, f.end - f.start),
          messageText: f.message,
          category: categoryOf(tsm, f.severity),
          code: RULE_CATALOG[f.rule].code,
          source: diagnosticSource(f.rule),
          // A call that leads to a helper's finding links to it (the editor shows each as a link).
          ...(f.reaches ? { relatedInformation: reachedInformation(tsm, result.program, f) } : {}),
        })),
      ];
      let replay: ts.Diagnostic[] = [];
      try {
        const toDiagnostic = (f: { start: number; end: number; message: string; severity: Severity }): ts.Diagnostic => ({ file: result.sf, start: f.start, length: Math.max(0, f.end - f.start), messageText: f.message, category: categoryOf(tsm, f.severity), code: RULE_CATALOG['replay-mismatch'].code, source: diagnosticSource('replay-mismatch') });
        replay = replayMismatchDiagnostics(tsm, histories, result.program, result.sf, configSource.current().config, (m) => logger.info(`[durable-lens] ${m}`), toDiagnostic);
      } catch (e) {
        log(`replay-mismatch for ${fileName}`, e);
      }
      const extra = replay.length ? [...result.diagnostics, ...replay] : result.diagnostics;
      return extra.length ? [...own, ...extra] : own;
    } catch (e) {
      log(`getSemanticDiagnostics(${fileName})`, e);
      return own;
    }
  };

  proxy.getSupportedCodeFixes = (fileName?: string) => {
    const own = ls.getSupportedCodeFixes(fileName);
    try {
      return [...new Set([...own, ...[...OUR_CODES].map(String)])];
    } catch (e) {
      log('getSupportedCodeFixes', e);
      return own;
    }
  };

  proxy.getCodeFixesAtPosition = (fileName, start, end, errorCodes, formatOptions, preferences) => {
    const theirCodes = errorCodes.filter((c) => !OUR_CODES.has(c));
    const own = theirCodes.length ? ls.getCodeFixesAtPosition(fileName, start, end, theirCodes, formatOptions, preferences) : [];
    try {
      const wanted = errorCodes.filter((c) => OUR_CODES.has(c));
      if (wanted.length === 0) return own;
      const result = findingsFor(fileName);
      if (!result) return own;
      const checker = safeChecker(ls);
      const ours: ts.CodeFixAction[] = [];
      for (const f of result.findings) {
        if (!wanted.includes(RULE_CATALOG[f.rule].code)) continue;
        // The fixes of a call-site finding are on the helper's own finding, where the code is.
        if (f.reaches) continue;
        // The editor asks for the range of the diagnostic (or the cursor): any overlap counts.
        if (f.end < start || f.start > end) continue;
        // The user's quote and newline preferences, and the checker: types prove more fixes safe.
        const fixOptions = { checker, quotePreference: preferences?.quotePreference, newLineCharacter: formatOptions?.newLineCharacter };
        const fixes = getQuickFixes(tsm, result.sf, f, (node) => findContextInScope(tsm, node, checker), (e) => log(`quick fix for ${f.rule}`, e), fixOptions);
        for (const fix of fixes) {
          ours.push({
            fixName: tsFixName(fix),
            description: fix.description,
            changes: [{ fileName, textChanges: fix.edits.map((e) => ({ span: { start: e.start, length: e.length }, newText: e.newText })) }],
          });
        }
      }
      return [...ours, ...own];
    } catch (e) {
      log(`getCodeFixesAtPosition(${fileName})`, e);
      return own;
    }
  };

  return proxy;
}

/**
 * At most one note at the top of the file: it was not analysed (too large), or its analysis met an internal
 * error, so "no findings" there would not mean "nothing to fix". The first line is underlined so it shows.
 */
function notes(tsm: TS, sf: ts.SourceFile, check: FileCheck): ts.Diagnostic[] {
  let text: string | undefined;
  let category = tsm.DiagnosticCategory.Suggestion;
  if (check.skipped) {
    text =
      `durable-lens did not analyse this file: it has ${check.skipped.chars.toLocaleString('en-US')} characters, over the ` +
      `${check.skipped.limit.toLocaleString('en-US')}-character limit for replay-safety analysis (generated or minified code).`;
  } else if (check.errors.length > 0) {
    const first = check.errors[0]!;
    const more = check.errors.length > 1 ? ` (and ${check.errors.length - 1} more)` : '';
    text = `durable-lens could not fully analyse this file, findings may be missing: ${describeAnalysisError({ ...first, file: undefined })}${more}. Details in the TypeScript server log.`;
    category = tsm.DiagnosticCategory.Warning;
  }
  if (text === undefined) return [];
  const firstLineEnd = sf.text.search(/\r?\n/);
  const length = Math.min(firstLineEnd < 0 ? sf.text.length : firstLineEnd, 200);
  return [{ file: sf, start: 0, length, messageText: text, category, code: NOTE_CODE, source: DIAGNOSTIC_SOURCE }];
}

function reachedInformation(tsm: TS, program: ts.Program, f: Finding): ts.DiagnosticRelatedInformation[] {
  const out: ts.DiagnosticRelatedInformation[] = [];
  for (const r of f.reaches ?? []) {
    const file = program.getSourceFile(r.fileName);
    if (!file) continue;
    out.push({ file, start: r.start, length: Math.max(0, r.end - r.start), messageText: r.message, category: categoryOf(tsm, f.severity), code: RULE_CATALOG[f.rule].code });
  }
  return out;
}

function safeChecker(ls: ts.LanguageService): ts.TypeChecker | undefined {
  try {
    return ls.getProgram()?.getTypeChecker();
  } catch {
    return undefined;
  }
}

