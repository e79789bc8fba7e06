/** One run of the distributed benchmark as the database stored it, in epoch milliseconds. */
export interface RunTimes {
  /** `flow_runs.created_utc`: the trigger call accepted the run. */
  readonly acceptedMs: number;
  /** `flow_runs.assigned_utc`: the coordinator issued its attempt. */
  readonly assignedMs: number;
  /** The worker's `step_runs.started_utc` of the run's first step. */
  readonly stepStartedMs: number;
  /** `flow_runs.completed_utc`: the coordinator received its completion, freeing the slot. */
  readonly completedMs: number;
}

/** Percentiles of one latency, in milliseconds. */
export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

/** Nearest-rank percentiles of `values` (zeros when there are none). */
export const percentiles = (values: readonly number[]): Percentiles => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
};

/** What {@link dispatchLatencies} measured. */
export interface DispatchLatencies {
  /** Accepted to first step started: includes the time every slot was busy. */
  readonly acceptedToStarted: Percentiles;
  /** Ready to first step started: the dispatcher's own delay (see {@link dispatchLatencies}). */
  readonly dispatch: Percentiles;
}

/**
 * The dispatch latency of every run in `measured`, out of all the runs of one load (`all`, which
 * must hold `measured` and whatever ran before it since the slots were last all free).
 *
 * Under a load that keeps every slot busy, accepted-to-started mostly measures the queue: a run
 * waits for a slot however fast the dispatcher is. So each run is timed from the moment it could
 * first have been placed: its acceptance, or, when all `slots` were taken then, the completion
 * that freed the slot it got. Placement is FIFO, so the n-th run placed takes the slot freed by
 * the (n - slots)-th completion.
 */
export const dispatchLatencies = (
  all: readonly RunTimes[],
  measured: ReadonlySet<RunTimes>,
  slots: number,
): DispatchLatencies => {
  const byAssignment = [...all].sort((a, b) => a.assignedMs - b.assignedMs);
  const completions = all.map((run) => run.completedMs).sort((a, b) => a - b);
  const waited: number[] = [];
  const dispatched: number[] = [];
  byAssignment.forEach((run, index) => {
    if (!measured.has(run)) return;
    const slotFreedMs = index >= slots ? (completions[index - slots] ?? 0) : 0;
    waited.push(run.stepStartedMs - run.acceptedMs);
    dispatched.push(run.stepStartedMs - Math.max(run.acceptedMs, slotFreedMs));
  });
  return { acceptedToStarted: percentiles(waited), dispatch: percentiles(dispatched) };
};
