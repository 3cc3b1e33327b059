// Core (pure): the error sink. An internal failure (a rule or an analysis phase throwing on odd code) is
// reported here with where it happened, and the caller decides where it goes (tsserver log, Output channel,
// CLI --verbose); the user's result is still returned, and a failure is never turned into "no findings".

/** What went wrong, typed like every error that crosses a boundary. */
export interface AnalysisError {
  /** 'too-deep': the code nests deeper than a recursive walk can take (a stack overflow); else 'internal'. */
  readonly reason: 'too-deep' | 'internal';
  /** The rule id, or the analysis phase ('replay-model', 'handlers', 'check', …) that failed. */
  readonly rule: string;
  /** The file being analysed, when known. */
  readonly file: string | undefined;
  /** One line, safe to show: the error's message. */
  readonly message: string;
  /** The stack, for logs and --verbose only. */
  readonly detail: string | undefined;
}

export type ErrorSink = (error: AnalysisError) => void;

/** A stack overflow: JavaScript engines throw RangeError('Maximum call stack size exceeded'). */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

export function toAnalysisError(e: unknown, rule: string, file: string | undefined): AnalysisError {
  const message = e instanceof Error ? e.message : String(e);
  return {
    reason: isStackOverflow(e) ? 'too-deep' : 'internal',
    rule,
    file,
    message: message.split(/\r?\n/)[0] ?? '',
    detail: e instanceof Error ? e.stack : undefined,
  };
}

/** One line for a person: `rule nondeterministic-call failed on src/a.ts: x is undefined`. */
export function describeAnalysisError(error: AnalysisError, displayFile: (f: string) => string = (f) => f): string {
  if (error.reason === 'too-deep') {
    const inFile = error.file !== undefined ? ` in ${displayFile(error.file)}` : '';
    return `${error.rule}: the code${inFile} nests too deeply to analyse (${error.message})`;
  }
  const where = error.file !== undefined ? ` on ${displayFile(error.file)}` : '';
  return `${error.rule} failed${where}: ${error.message}`;
}

// Core is synchronous: the sink of the analysis running now is a plain stack, so code deep in the analysis
// (which has no sink parameter) can report without every signature carrying one.
const sinks: ErrorSink[] = [];

/** Runs `fn` with `sink` receiving what reportInternalError reports meanwhile (nested calls stack). */
export function withErrorSink<T>(sink: ErrorSink | undefined, fn: () => T): T {
  if (!sink) return fn();
  sinks.push(sink);
  try {
    return fn();
  } finally {
    sinks.pop();
  }
}

/**
 * Reports a caught failure to the sink of the running analysis. Use in every `catch` of core that keeps
 * going: `catch (e) { reportInternalError(e, 'handlers', sf.fileName); }`. Never throws.
 */
export function reportInternalError(e: unknown, rule: string, file: string | undefined): void {
  const sink = sinks[sinks.length - 1];
  if (!sink) return;
  try {
    sink(toAnalysisError(e, rule, file));
  } catch {
    // A sink that throws must not break the analysis it reports on; there is nowhere further to report.
  }
}
