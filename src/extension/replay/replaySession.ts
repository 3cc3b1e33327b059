// Runs in the extension host: the ReplaySession the panel drives — the stepper over the current record, the
// mapping onto the handler's code, moves that fire onDidMove with the changed operations, and record/mapping
// replacement (live events, edited code) that keeps the user's position unless they follow the end.
import * as vscode from 'vscode';
import type { HistoryMapping } from '../../core/history/mappingTypes';
import type { ExecutionRecord } from '../../core/history/record';
import { buildStepper, type Stepper } from '../../core/history/stepper';
import type { OperationStateAt, StepPosition } from '../../core/history/stepperTypes';
import type { ExecutionSource } from '../executions/source';
import type { ReplayMove, ReplaySession } from './session';

let nextId = 1;

export class StepSession implements ReplaySession, vscode.Disposable {
  readonly id = `replay-${nextId++}`;
  private stepperValue: Stepper;
  private mappingValue: HistoryMapping | undefined;
  private handlerFileValue: string | undefined;
  private readonly moveEmitter = new vscode.EventEmitter<ReplayMove>();
  private readonly recordEmitter = new vscode.EventEmitter<void>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidMove = this.moveEmitter.event;
  readonly onDidChangeRecord = this.recordEmitter.event;
  readonly onDidDispose = this.disposeEmitter.event;
  private disposed = false;
  /** Work (transitions) of the last move, and its wall time: for the state command and the bench. */
  lastMove: { work: number; ms: number; viaCheckpoint: boolean } | undefined;

  constructor(
    readonly label: string,
    record: ExecutionRecord,
    mapping: HistoryMapping | undefined,
    handlerFile: string | undefined,
    readonly source: ExecutionSource | undefined
  ) {
    this.stepperValue = buildStepper(record);
    this.mappingValue = mapping;
    this.handlerFileValue = handlerFile;
  }

  get stepper(): Stepper {
    return this.stepperValue;
  }

  get record(): ExecutionRecord {
    return this.stepperValue.record;
  }

  get mapping(): HistoryMapping | undefined {
    return this.mappingValue;
  }

  get handlerFile(): string | undefined {
    return this.handlerFileValue;
  }

  get position(): StepPosition {
    return this.stepperValue.position;
  }

  /** At the last event: new events move the position along ("follow" mode). */
  get follow(): boolean {
    const s = this.stepperValue;
    return s.length > 0 && s.position.eventIndex === s.length - 1;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  stateOf(operationId: string): OperationStateAt | undefined {
    return this.stepperValue.stateOf(operationId);
  }

  allStates(): ReadonlyMap<string, OperationStateAt> {
    return this.stepperValue.allStates();
  }

  moveTo(eventIndex: number): void {
    if (this.disposed) return;
    const t0 = performance.now();
    const m = this.stepperValue.moveTo(eventIndex);
    this.lastMove = { work: m.work, ms: performance.now() - t0, viaCheckpoint: m.viaCheckpoint };
    if (m.changed.length === 0 && m.work === 0) return;
    this.moveEmitter.fire({ position: m.position, changed: m.changed });
  }

  /**
   * A newer record (live events) or mapping (edited code). The position is kept (clamped) unless at the last event
   * (following), which moves to the new end. Fires onDidChangeRecord, then onDidMove naming every operation.
   */
  replace(record: ExecutionRecord | undefined, mapping: HistoryMapping | undefined, handlerFile: string | undefined): void {
    if (this.disposed) return;
    const at = this.stepperValue.position.eventIndex;
    if (record && record !== this.stepperValue.record) {
      const following = this.follow;
      this.stepperValue = buildStepper(record);
      this.stepperValue.moveTo(following ? this.stepperValue.length - 1 : at);
    }
    this.mappingValue = mapping;
    this.handlerFileValue = handlerFile;
    this.recordEmitter.fire();
    this.moveEmitter.fire({ position: this.stepperValue.position, changed: [...this.stepperValue.allStates().keys()] });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
    this.moveEmitter.dispose();
    this.recordEmitter.dispose();
    this.disposeEmitter.dispose();
  }
}
