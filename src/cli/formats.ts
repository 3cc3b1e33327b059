// Runs in the CLI: renders `check` diagnostics as text (grouped by file, coloured on a TTY), the JSON
// contract of DESIGN.md, or SARIF 2.1.0 for GitHub code scanning.
import type * as sarif from 'sarif';
import { RULE_CATALOG, RULE_IDS, type RuleId, type Severity } from '../core/rules/catalog';

export interface CliDiagnostic {
  /** Path relative to the working directory, with forward slashes (absolute when outside it). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly rule: RuleId;
  readonly severity: Severity;
  /** Says which handler reaches the code when it is in a helper (core writes that into the message). */
  readonly message: string;
}

export type Format = 'text' | 'json' | 'sarif';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif'];

/** The JSON contract: exactly these fields, in this order. */
export function renderJson(diagnostics: readonly CliDiagnostic[]): string {
  const out = diagnostics.map((d) => ({
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    rule: d.rule,
    severity: d.severity,
    message: d.message,
  }));
  return JSON.stringify({ diagnostics: out }, null, 2) + '\n';
}

const ANSI = { red: '\x1b[31m', yellow: '\x1b[33m', blue: '\x1b[34m', dim: '\x1b[2m', bold: '\x1b[1m', underline: '\x1b[4m', reset: '\x1b[0m' };

/** Terminal-safe: a message or path from source code must not carry escape sequences to the terminal. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

export function renderText(diagnostics: readonly CliDiagnostic[], filesChecked: number, color: boolean): string {
  const c = (code: string, s: string) => (color ? `${code}${s}${ANSI.reset}` : s);
  const sevColor: Record<Severity, string> = { error: ANSI.red, warning: ANSI.yellow, info: ANSI.blue };
  const byFile = new Map<string, CliDiagnostic[]>();
  for (const d of diagnostics) {
    const list = byFile.get(d.file) ?? [];
    list.push(d);
    byFile.set(d.file, list);
  }
  const lines: string[] = [];
  for (const [file, list] of byFile) {
    lines.push(c(ANSI.underline, clean(file)));
    const width = Math.max(...list.map((d) => `${d.line}:${d.column}`.length));
    for (const d of list) {
      const pos = `${d.line}:${d.column}`.padEnd(width);
      lines.push(`  ${c(ANSI.dim, pos)}  ${c(sevColor[d.severity], d.severity.padEnd(7))}  ${clean(d.message)}  ${c(ANSI.dim, d.rule)}`);
    }
    lines.push('');
  }
  const count = (s: Severity) => diagnostics.filter((d) => d.severity === s).length;
  const [e, w, i] = [count('error'), count('warning'), count('info')];
  const files = `${filesChecked} file${filesChecked === 1 ? '' : 's'} checked`;
  if (diagnostics.length === 0) lines.push(`${files}: no problems`);
  else {
    const total = `${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} (${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}, ${i} info)`;
    lines.push(c(ANSI.bold, `${e > 0 ? c(ANSI.red, total) : total}, ${files}`));
  }
  return lines.join('\n') + '\n';
}

const SARIF_LEVEL: Record<Severity, sarif.Result.level> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifOptions {
  readonly toolVersion: string;
  /** The tool's home page (driver.informationUri); omitted when unknown rather than guessed. */
  readonly informationUri?: string;
  /**
   * The markdown of a rule's documentation page (docs/rules/<id>.md shipped in the package), put in the rule's
   * `help.markdown`, which GitHub code scanning shows with each alert.
   */
  readonly ruleHelpMarkdown?: (ruleId: RuleId) => string | undefined;
  /** file:// URI of the directory the relative artifact URIs are relative to (ends with '/'). */
  readonly srcRootUri: string;
}

/**
 * SARIF 2.1.0 with every rule described, relative artifact URIs under %SRCROOT% and 1-based regions.
 * No `helpUri`: SARIF wants an absolute URI there, and the documentation's only home is the installed package
 * (a file:// path on the machine that ran the check means nothing where the log is read), so each rule's page
 * travels inside the log as `help.markdown` instead, always matching the version that produced the results.
 */
export function renderSarif(diagnostics: readonly CliDiagnostic[], opts: SarifOptions): string {
  const rules: sarif.ReportingDescriptor[] = RULE_IDS.map((id) => {
    const markdown = opts.ruleHelpMarkdown?.(id);
    return {
      id,
      name: id.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
      shortDescription: { text: RULE_CATALOG[id].summary },
      fullDescription: { text: RULE_CATALOG[id].summary },
      help: markdown ? { text: `${RULE_CATALOG[id].summary} Documentation: docs/rules/${id}.md in the durable-lens package.`, markdown } : { text: RULE_CATALOG[id].summary },
      defaultConfiguration: { level: SARIF_LEVEL[RULE_CATALOG[id].defaultSeverity] },
      properties: { tags: ['replay-safety', 'durable-functions'] },
    };
  });
  const results: sarif.Result[] = diagnostics.map((d) => ({
    ruleId: d.rule,
    ruleIndex: RULE_IDS.indexOf(d.rule),
    level: SARIF_LEVEL[d.severity],
    message: { text: d.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: isAbsoluteLike(d.file) ? { uri: fileUri(d.file) } : { uri: encodeUriPath(d.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
        },
      },
    ],
  }));
  const log: sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'durable-lens', version: opts.toolVersion, semanticVersion: opts.toolVersion, ...(opts.informationUri ? { informationUri: opts.informationUri } : {}), rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: opts.srcRootUri } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function isAbsoluteLike(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}

function encodeUriPath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

export function fileUri(absPath: string): string {
  const p = absPath.replace(/\\/g, '/');
  return 'file://' + (p.startsWith('/') ? '' : '/') + encodeUriPath(p);
}
