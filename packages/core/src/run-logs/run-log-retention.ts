import { lstat, opendir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlowRunState } from '@tempo/contracts';
import type { Logger } from '../logging/index.ts';
import { RUN_FOLDER } from './run-log-layout.ts';

/** A run's state as retention needs it. */
export interface RunRetentionView {
  readonly state: FlowRunState;
  readonly completedUtc: string | null;
}

/** What the prune loop runs over. */
export interface RunLogRetentionOptions {
  /** `runLogs.rootPath`, absolute. */
  readonly rootPath: string;
  /** `runLogs.retentionDays`. */
  readonly retentionDays: number;
  /** `runLogs.pruneIntervalMinutes`. */
  readonly pruneIntervalMinutes: number;
  /** The rows of these runs, by id, whatever their tenant; absent ids have no row. */
  readonly lookupRuns: (runIds: readonly string[]) => Promise<ReadonlyMap<string, RunRetentionView>>;
  /** True for a run whose log is still open in this process. */
  readonly isWriting?: (runId: string) => boolean;
  readonly log: Logger;
  /** Run folders looked up at once; default 200. */
  readonly batchSize?: number;
}

/** What one pass did. */
export interface RunLogPruneReport {
  readonly removed: number;
  readonly kept: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The `run_log_prune` loop: every `pruneIntervalMinutes` (and once at start), removes the folders
 * of runs that completed more than `retentionDays` ago, and of runs whose row is gone once the
 * folder is that old, looking runs up in batches. A `Queued` or `Running` run's folder is never
 * removed, nor one whose log is open here.
 */
export class RunLogRetention {
  readonly #options: RunLogRetentionOptions;
  #timer: NodeJS.Timeout | null = null;
  #pass: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: RunLogRetentionOptions) {
    this.#options = options;
  }

  /** Starts the loop; the first pass runs at once. */
  start(): void {
    const tick = () => {
      this.#pass = this.pruneOnce().catch((error: unknown) =>
        this.#options.log.warn({ err: error }, 'run log prune failed; trying again at the next interval'),
      );
      void this.#pass.then(() => {
        if (!this.#stopped)
          this.#timer = setTimeout(tick, this.#options.pruneIntervalMinutes * 60_000).unref();
      });
    };
    tick();
  }

  /** Stops the loop and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#pass;
  }

  /** One pass over the root. */
  async pruneOnce(nowMs = Date.now()): Promise<RunLogPruneReport> {
    const cutoffMs = nowMs - this.#options.retentionDays * DAY_MS;
    const batchSize = this.#options.batchSize ?? 200;
    let removed = 0;
    let kept = 0;
    let batch: string[] = [];
    const settle = async () => {
      const rows = await this.#options.lookupRuns(batch);
      for (const runId of batch) {
        if (this.#stopped) return;
        if (await this.#expired(runId, rows.get(runId), cutoffMs)) {
          await rm(join(this.#options.rootPath, runId), { recursive: true, force: true, maxRetries: 3 });
          removed += 1;
        } else kept += 1;
      }
      batch = [];
    };
    let folder: Awaited<ReturnType<typeof opendir>>;
    try {
      folder = await opendir(this.#options.rootPath);
    } catch {
      return { removed, kept };
    }
    for await (const entry of folder) {
      if (this.#stopped) break;
      if (!entry.isDirectory() || !RUN_FOLDER.test(entry.name)) continue;
      batch.push(entry.name);
      if (batch.length >= batchSize) await settle();
    }
    if (batch.length > 0 && !this.#stopped) await settle();
    if (removed > 0) this.#options.log.info({ removed, kept }, 'run logs past their retention removed');
    return { removed, kept };
  }

  async #expired(runId: string, row: RunRetentionView | undefined, cutoffMs: number): Promise<boolean> {
    if (this.#options.isWriting?.(runId)) return false;
    if (row) {
      if (row.state === 'Queued' || row.state === 'Running') return false;
      return row.completedUtc !== null && Date.parse(row.completedUtc) < cutoffMs;
    }
    // No row: the run was deleted (or its folder is a stray); its files go once old enough.
    try {
      return (await lstat(join(this.#options.rootPath, runId))).mtimeMs < cutoffMs;
    } catch {
      return false;
    }
  }
}
