/** A queued run as the FIFO keeps it. */
export interface PendingRun {
  readonly id: string;
  readonly tenantId: string;
  /** The run's flow, whose routing hint a pass reads beside the run. */
  readonly dataFlowId: string;
  readonly createdUtc: string;
}

const before = (a: PendingRun, b: PendingRun): boolean =>
  a.createdUtc < b.createdUtc || (a.createdUtc === b.createdUtc && a.id < b.id);

/**
 * The runs waiting for placement, oldest first by `createdUtc` (then id), each once. New runs are
 * nearly always the newest, so an insert walks back from the end; a run queued again after
 * recovery goes back to its place by age.
 */
export class PendingRuns {
  readonly #runs: PendingRun[] = [];
  readonly #ids = new Set<string>();

  /** How many runs wait. */
  get size(): number {
    return this.#runs.length;
  }

  /** Adds a run at its place by age; a run already waiting is left where it is. */
  add(run: PendingRun): void {
    if (this.#ids.has(run.id)) return;
    this.#ids.add(run.id);
    const entry = {
      id: run.id,
      tenantId: run.tenantId,
      dataFlowId: run.dataFlowId,
      createdUtc: run.createdUtc,
    };
    let index = this.#runs.length;
    while (index > 0 && before(entry, this.#runs[index - 1] as PendingRun)) index -= 1;
    this.#runs.splice(index, 0, entry);
  }

  /** The oldest waiting run, or null. */
  peek(): PendingRun | null {
    return this.#runs[0] ?? null;
  }

  /** The oldest `count` waiting runs, oldest first. */
  first(count: number): readonly PendingRun[] {
    return this.#runs.slice(0, count);
  }

  /** Forgets every waiting run (the server lost the scheduler role; the database keeps them). */
  clear(): void {
    this.#runs.length = 0;
    this.#ids.clear();
  }

  /** Removes a run (usually the head). */
  remove(runId: string): void {
    if (!this.#ids.delete(runId)) return;
    const index = this.#runs.findIndex((run) => run.id === runId);
    if (index >= 0) this.#runs.splice(index, 1);
  }
}
