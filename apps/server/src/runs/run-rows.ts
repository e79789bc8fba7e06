import type { FlowRunRecord, RunAssignmentRecord } from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import type { Repositories } from '@tempo/core/store';
import { attemptStateOf, endFieldsOf, type RunEnd, recordRunEnd } from './run-end.ts';
import type { RunWrites } from './run-writes.ts';

/** How the run path writes one run's rows after its start. */
export interface RunRows {
  /** Issues a step run's row, behind the run's own. */
  step(write: () => Promise<unknown>): Promise<unknown>;
  /** Writes how the run ended and answers the run as stored. */
  end(outcome: RunEnd): Promise<FlowRunRecord | null>;
}

/** What both kinds of rows need to write. */
export interface RunRowsTarget {
  readonly repositories: Repositories;
  readonly log: Logger;
  readonly writes: RunWrites;
  /** The run as it is (or will be) stored while it runs. */
  readonly run: FlowRunRecord;
  /** The attempt executing it, as created. */
  readonly attempt: NewAttempt;
}

/** A new attempt's row before it is written. */
export type NewAttempt = Pick<
  RunAssignmentRecord,
  'id' | 'flowRunId' | 'workerId' | 'workerSessionId' | 'leaseToken' | 'leaseExpiresUtc' | 'assignedUtc'
>;

/** The rows of a run already written `Running` (a claimed queued run): each written as it comes. */
export const writtenRunRows = (target: RunRowsTarget): RunRows => ({
  step: (write) => target.writes.issue(write),
  end: (outcome) =>
    recordRunEnd(
      {
        repositories: target.repositories,
        log: target.log,
        tenantId: target.run.tenantId,
        runId: target.run.id,
        assignmentId: target.attempt.id,
      },
      outcome,
      { run: target.run, writes: target.writes },
    ),
});

/**
 * The rows of a run started in a free slot, written as late as being listed while it runs
 * allows. A run that ends within the turn of the event loop it started in (a flow of built-in
 * steps) is written once, already ended, with its attempt closed: one insert each instead of an
 * insert and an update of rows with several indexes. A run still executing when the turn ends is
 * written `Running` then ({@link publish}), with its step runs so far, and ends like any other.
 * Either way the caller is answered only after the rows are committed.
 */
export class DeferredRunRows implements RunRows {
  readonly #target: RunRowsTarget;
  /** Step run writes held until the run's row is issued. */
  readonly #held: { write: () => Promise<unknown>; settle: (issued: Promise<unknown>) => void }[] = [];
  #state: 'held' | 'published' | 'ended' = 'held';
  /** The promises handed out for held step runs; settled before {@link end} answers. */
  readonly #heldSteps: Promise<unknown>[] = [];
  #created: Promise<unknown> = Promise.resolve();

  constructor(target: RunRowsTarget) {
    this.#target = target;
  }

  /** Whether nothing of the run has been written yet. */
  get unwritten(): boolean {
    return this.#state === 'held';
  }

  /** Settles once the run's own row has been written; rejects when it could not be. */
  async written(): Promise<void> {
    await this.#created;
  }

  /** Nothing of the run will be written (its tenant is being deleted); later calls do nothing. */
  abandon(): void {
    if (this.#state === 'held') this.#state = 'ended';
  }

  /** Writes the run `Running` with its attempt and the step runs so far, unless it has ended. */
  publish(): void {
    if (this.#state !== 'held') return;
    this.#state = 'published';
    const { repositories, writes, run, attempt } = this.#target;
    this.#created = writes.issue(() => repositories.flowRuns.inTenant(run.tenantId).create(run));
    writes.issue(() => repositories.runAssignments.create(attempt));
    this.#release();
  }

  step(write: () => Promise<unknown>): Promise<unknown> {
    if (this.#state !== 'held') return this.#target.writes.issue(write);
    const held = new Promise((resolve, reject) => {
      this.#held.push({ write, settle: (issued) => issued.then(resolve, reject) });
    });
    this.#heldSteps.push(held);
    return held;
  }

  async end(outcome: RunEnd): Promise<FlowRunRecord | null> {
    if (this.#state === 'published') return writtenRunRows(this.#target).end(outcome);
    this.#state = 'ended';
    const { repositories, writes, run, attempt } = this.#target;
    const completedUtc = new Date().toISOString();
    const ended: FlowRunRecord = { ...run, ...endFieldsOf(outcome, completedUtc) };
    this.#created = writes.issue(() => repositories.flowRuns.inTenant(run.tenantId).create(ended));
    writes.issue(() =>
      repositories.runAssignments.create({
        ...attempt,
        state: attemptStateOf(outcome.state),
        completedUtc,
      }),
    );
    this.#release();
    await writes.settled();
    // After the handlers the caller attached to its step promises (a refused step record), so the
    // caller sees every outcome once this answers.
    await Promise.allSettled(this.#heldSteps);
    await this.#created;
    return ended;
  }

  #release(): void {
    for (const { write, settle } of this.#held.splice(0)) settle(this.#target.writes.issue(write));
  }
}
