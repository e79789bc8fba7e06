/** Work for the executor; `release` frees its slot before the work has settled. */
export type Job = (release: () => void) => Promise<void>;

/** Slots of a {@link LocalExecutor}. */
export interface LocalExecutorOptions {
  /** Jobs running at once over every tenant (`engine.maxConcurrentRuns`); at least 1. */
  readonly concurrency: number;
  /**
   * Jobs of one tenant running at once (`engine.maxConcurrentRunsPerTenant`); 0 or absent means
   * {@link defaultTenantShare} of `concurrency`, and a value above `concurrency` means no cap.
   */
  readonly perTenant?: number;
}

/**
 * The slots one tenant may hold when no share is configured: three quarters of the executor's,
 * rounded down, at least one. With more than one slot, a quarter (at least one) is always left
 * for the other tenants, so one tenant's long runs cannot make every other tenant wait for them.
 */
export const defaultTenantShare = (concurrency: number): number =>
  Math.max(1, Math.floor((Math.max(1, concurrency) * 3) / 4));

/** One tenant's waiting jobs and how many of its jobs are running. */
interface Lane {
  readonly tenantId: string;
  /** Waiting jobs in arrival order; the slots before `head` held jobs that have started. */
  readonly queue: (Job | undefined)[];
  head: number;
  running: number;
}

const waiting = (lane: Lane): number => lane.queue.length - lane.head;

/**
 * Runs queued work in this process: the server's pseudo-worker `wrk_local_server`. At most
 * `concurrency` jobs run at once, and at most the tenant share of them belong to one tenant.
 * Each tenant's jobs start in arrival order; between tenants, a freed slot goes to the next
 * tenant in turn that has a job waiting and is under its share (round-robin), so a tenant with a
 * deep queue cannot starve one that submits a single run.
 */
export class LocalExecutor {
  readonly #concurrency: number;
  readonly #perTenant: number;
  /** Tenants with a job waiting or running; a lane goes once it has neither. */
  readonly #lanes = new Map<string, Lane>();
  /** Tenants with a job waiting, in turn order: the first is asked first. */
  readonly #turns: Lane[] = [];
  #running = 0;
  #waiting = 0;
  readonly #idle: (() => void)[] = [];

  constructor(options: LocalExecutorOptions) {
    this.#concurrency = Math.max(1, options.concurrency);
    const share = options.perTenant ?? 0;
    this.#perTenant = Math.min(this.#concurrency, share > 0 ? share : defaultTenantShare(this.#concurrency));
  }

  /** The most jobs of one tenant that run at once. */
  get tenantShare(): number {
    return this.#perTenant;
  }

  /**
   * Queues a job of a tenant; it runs when a slot is free and the tenant is under its share,
   * synchronously within this call when both hold now. A job may hand its slot back early through
   * `release` (a run whose steps are done but whose rows are still being written), else the slot
   * is free when the job settles. Jobs must not throw.
   */
  submit(tenantId: string, job: Job): void {
    let lane = this.#lanes.get(tenantId);
    if (!lane) {
      lane = { tenantId, queue: [], head: 0, running: 0 };
      this.#lanes.set(tenantId, lane);
    }
    if (waiting(lane) === 0) this.#turns.push(lane);
    lane.queue.push(job);
    this.#waiting += 1;
    this.#drain();
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running;
  }

  /** Whether a job of this tenant submitted now would start at once. */
  hasFreeSlot(tenantId: string): boolean {
    if (this.#running >= this.#concurrency) return false;
    const lane = this.#lanes.get(tenantId);
    return !lane || (lane.running < this.#perTenant && waiting(lane) === 0);
  }

  /** Resolves when nothing is queued or running (for shutdown). */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #drain(): void {
    while (this.#running < this.#concurrency) {
      const lane = this.#nextLane();
      if (!lane) return;
      this.#start(lane);
    }
  }

  /**
   * Takes the first tenant in turn that may start a job and moves it to the back of the turns
   * if it still has jobs waiting. Tenants at their share keep their place.
   */
  #nextLane(): Lane | null {
    const turns = this.#turns;
    for (let index = 0; index < turns.length; index++) {
      const lane = turns[index] as Lane;
      if (lane.running >= this.#perTenant) continue;
      turns.splice(index, 1);
      if (waiting(lane) > 1) turns.push(lane);
      return lane;
    }
    return null;
  }

  #start(lane: Lane): void {
    const job = lane.queue[lane.head];
    if (!job) return;
    lane.queue[lane.head] = undefined;
    lane.head += 1;
    // Started jobs' slots are dropped when none waits, or once they are most of a long backlog,
    // so a tenant that always has work waiting does not grow its queue for ever.
    if (lane.head === lane.queue.length) {
      lane.queue.length = 0;
      lane.head = 0;
    } else if (lane.head >= 1024 && lane.head * 2 >= lane.queue.length) {
      lane.queue.splice(0, lane.head);
      lane.head = 0;
    }
    this.#waiting -= 1;
    this.#running += 1;
    lane.running += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#running -= 1;
      lane.running -= 1;
      if (lane.running === 0 && waiting(lane) === 0) this.#lanes.delete(lane.tenantId);
      this.#drain();
      if (this.#running === 0 && this.#waiting === 0) for (const resolve of this.#idle.splice(0)) resolve();
    };
    void job(release).finally(release);
  }
}
