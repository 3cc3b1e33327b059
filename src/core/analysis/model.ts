// Pure types shared by core, the tsserver plugin, the CLI and the extension: what the analyzer reports.
import type * as ts from 'typescript';
import type { RuleId, Severity, SeveritySetting } from '../rules/catalog';
import type { ErrorSink } from '../errors';
import type { ReplayIndex } from './replay';

/** The `typescript` module as handed to us (by tsserver, the CLI or a test); core never imports its own. */
export type TS = typeof ts;

/** A function whose body runs on every replay: a handler, or a durable helper (takes a DurableContext). */
export interface DurableFunction {
  readonly kind: 'handler' | 'helper';
  /** The handler's export/variable name, the helper's function name, or '<anonymous>'. */
  readonly name: string;
  readonly node: ts.FunctionLikeDeclaration;
  /** Name of the DurableContext parameter, when the function has one that is a plain identifier. */
  readonly contextParam: string | undefined;
  readonly sourceFile: ts.SourceFile;
}

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  readonly fileName: string;
  /** Offsets into the file text, [start, end). */
  readonly start: number;
  readonly end: number;
  /** The handler that reaches this code, when the finding is inside a helper or another file. */
  readonly handler?: { readonly name: string; readonly fileName: string; readonly line: number };
  /** Call chain from the handler to the function holding the finding, e.g. ['handler', 'charge', 'newId']. */
  readonly via?: readonly string[];
  /** Every handler that reaches this code (`handler` is the first), when it is inside a helper or another file. */
  readonly handlers?: readonly { readonly name: string; readonly fileName: string; readonly line: number }[];
  /**
   * Set on a call-site finding: this call (in the checked file) leads to these findings of the same rule in
   * other files. It carries no quick fix of its own: the fixes are on those findings, where the code is.
   */
  readonly reaches?: readonly ReachedFinding[];
}

/** A finding in another file that a call leads to (lines and columns 1-based). */
export interface ReachedFinding {
  readonly fileName: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  /** That finding's own message. */
  readonly message: string;
}

export interface CheckOptions {
  /** Per-rule severity overrides; 'off' disables a rule. */
  readonly severities?: Partial<Record<RuleId, SeveritySetting>>;
  /** The incremental model kept across Programs (createReplayIndex); without it, one is built per Program. */
  readonly index?: ReplayIndex;
  /** Where internal failures go (the tsserver log, the Output channel, CLI --verbose). */
  readonly onError?: ErrorSink;
}

/**
 * Configuration the extension forwards to the tsserver plugin (configurePlugin) and that the CLI reads
 * from the project config file: the same shape everywhere.
 */
export interface LensConfig {
  /** false turns every diagnostic and quick fix off. Default true. */
  readonly enabled?: boolean;
  /** Per-rule severity overrides ('off' disables the rule). */
  readonly rules?: Partial<Record<RuleId, SeveritySetting>>;
}
