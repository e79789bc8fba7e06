import type { TempoSettings } from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import { op, type Repositories } from '@tempo/core/store';
import { deleteInBatches, yieldToEventLoop } from './batched-delete.ts';

/** What the sweeper reads and deletes through, and the settings that say what is due. */
export interface RetentionSweeperDependencies {
  readonly repositories: Repositories;
  readonly log: Logger;
  readonly settings: Pick<TempoSettings, 'requestHistory' | 'engine' | 'artifacts'>;
}

/** Minutes between two passes over the runs (`engine` has no interval setting of its own). */
export const RUN_PRUNE_INTERVAL_MINUTES = 60;

/** Runs deleted per round: a run row can hold megabytes of input, output and snapshot. */
const RUN_BATCH_SIZE = 50;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Run states that are final: only such runs are ever pruned, never `Queued` or `Running` ones. */
const FINISHED_STATES = ['Succeeded', 'Failed', 'Exception', 'Cancelled'] as const;

/** Activity events recorded from what a worker claimed about an attempt the server did not know. */
const WORKER_CLAIMED_EVENT_TYPES = ['orphan_completion', 'assign-ack'];

const cutoffOf = (nowMs: number, days: number): string => new Date(nowMs - days * DAY_MS).toISOString();

/**
 * Removes what the retention settings say is due, in bounded batches with the event loop free
 * between them, so a backlog of millions of rows never holds the database or the server:
 * - request history older than `requestHistory.retentionDays`, every
 *   `requestHistory.pruneIntervalMinutes` (`request_history_prune`);
 * - finished runs completed more than `engine.runRetentionDays` ago (0 = never), with their step
 *   runs, assignments and worker activity, every {@link RUN_PRUNE_INTERVAL_MINUTES} minutes
 *   (`run_prune`). A run is kept at least `artifacts.flowRunReplayRetentionDays`, the time its
 *   snapshot keeps its artifact versions pinned for replay. Its run-log folder, which names no
 *   row any more, goes with the run-log sweeper's next pass;
 * - worker activity older than that same retention that no run prune reaches (events naming no
 *   run, frames for attempts the server did not know), every {@link RUN_PRUNE_INTERVAL_MINUTES}
 *   minutes (`worker_activity_prune`): they would otherwise stay for ever, and a worker can
 *   cause them at will.
 * Every replica may sweep: the deletes are idempotent.
 */
export class RetentionSweeper {
  readonly #deps: RetentionSweeperDependencies;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #passes = new Set<Promise<void>>();
  #stopped = false;

  constructor(deps: RetentionSweeperDependencies) {
    this.#deps = deps;
  }

  /** Deletes request history entries past their retention; resolves to how many went. */
  pruneRequestHistory(nowMs = Date.now()): Promise<number> {
    const cutoff = cutoffOf(nowMs, this.#deps.settings.requestHistory.retentionDays);
    return deleteInBatches(
      this.#deps.repositories.requestHistory,
      { createdUtc: op.range({ lt: cutoff }) },
      { stopped: () => this.#stopped },
    );
  }

  /**
   * Deletes finished runs past their retention, tenant by tenant, children before the run (a pass
   * cut short leaves a run to find again, never children without their run); resolves to how many
   * runs went. The run's own delete repeats the state check, so a run is never taken unfinished.
   */
  async pruneRuns(nowMs = Date.now()): Promise<number> {
    const { engine, artifacts } = this.#deps.settings;
    if (engine.runRetentionDays === 0) return 0;
    const cutoff = cutoffOf(nowMs, Math.max(engine.runRetentionDays, artifacts.flowRunReplayRetentionDays));
    const r = this.#deps.repositories;
    const due = {
      state: op.in([...FINISHED_STATES]),
      // A run completed before the cutoff was created before it: the indexed column narrows the read.
      createdUtc: op.range({ lt: cutoff }),
      completedUtc: op.range({ lt: cutoff }),
    };
    let deleted = 0;
    for (const tenant of await r.tenants.find()) {
      const runs = r.flowRuns.inTenant(tenant.id);
      for (;;) {
        if (this.#stopped) return deleted;
        // No order: any due rows will do, and sorting the whole backlog for each round would not.
        const ids = (await runs.find(due, { orderBy: [], limit: RUN_BATCH_SIZE })).map((run) => run.id);
        if (ids.length === 0) break;
        await r.runAssignments.deleteWhere({ flowRunId: op.in(ids) });
        await r.workerActivity.deleteWhere({ flowRunId: op.in(ids) });
        await r.stepRuns.inTenant(tenant.id).deleteWhere({ flowRunId: op.in(ids) });
        deleted += await runs.deleteWhere({ ...due, id: op.in(ids) });
        if (ids.length < RUN_BATCH_SIZE) break;
        await yieldToEventLoop();
      }
    }
    return deleted;
  }

  /**
   * Deletes worker activity older than the run retention's cutoff (0 = never) that no run prune
   * would ever reach: events naming no run (sessions, refused frames), and frames a worker sent
   * for attempts the server did not know (`orphan_completion`, `assign-ack`), whose run id is only
   * what the worker claimed. The rest of a run's trail goes with the run. Resolves to how many
   * rows went.
   */
  async pruneWorkerActivity(nowMs = Date.now()): Promise<number> {
    const { engine, artifacts } = this.#deps.settings;
    if (engine.runRetentionDays === 0) return 0;
    const cutoff = cutoffOf(nowMs, Math.max(engine.runRetentionDays, artifacts.flowRunReplayRetentionDays));
    const old = { createdUtc: op.range({ lt: cutoff }) };
    const options = { stopped: () => this.#stopped };
    const activity = this.#deps.repositories.workerActivity;
    return (
      (await deleteInBatches(activity, { ...old, flowRunId: null }, options)) +
      (await deleteInBatches(activity, { ...old, eventType: op.in(WORKER_CLAIMED_EVENT_TYPES) }, options))
    );
  }

  /** Starts every sweep now, then at its interval, until {@link RetentionSweeper.stop}. */
  start(): void {
    if (this.#timers.length > 0 || this.#stopped) return;
    const { requestHistory } = this.#deps.settings;
    this.#every(requestHistory.pruneIntervalMinutes, 'request_history_prune', () =>
      this.pruneRequestHistory(),
    );
    this.#every(RUN_PRUNE_INTERVAL_MINUTES, 'run_prune', () => this.pruneRuns());
    this.#every(RUN_PRUNE_INTERVAL_MINUTES, 'worker_activity_prune', () => this.pruneWorkerActivity());
  }

  /** Stops the timers, ends a pass in flight after its current round, and waits for it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.length = 0;
    await Promise.all([...this.#passes]);
  }

  /** Runs `prune` now and every `minutes`, one pass at a time, logging what it removed or why it failed. */
  #every(minutes: number, task: string, prune: () => Promise<number>): void {
    let inFlight = false;
    const pass = (): void => {
      if (inFlight || this.#stopped) return;
      inFlight = true;
      const started = performance.now();
      const running: Promise<void> = prune()
        .then(
          (deleted) => {
            if (deleted > 0)
              this.#deps.log.info(
                { task, deleted, durationMs: Math.round(performance.now() - started) },
                'rows past their retention deleted',
              );
          },
          (error: unknown) => this.#deps.log.error({ err: error, task }, 'retention pass failed'),
        )
        .finally(() => {
          inFlight = false;
          this.#passes.delete(running);
        });
      this.#passes.add(running);
    };
    pass();
    const timer = setInterval(pass, minutes * 60_000);
    timer.unref();
    this.#timers.push(timer);
  }
}
