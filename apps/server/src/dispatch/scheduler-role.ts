import { performance } from 'node:perf_hooks';
import type { Logger } from '@tempo/core/logging';
import { inWriteLane, type LeaseRecord, type Repositories } from '@tempo/core/store';
import type { InstanceLocks } from './instance-locks.ts';

/** The name of the scheduler's row in `scheduler_leases`. */
export const SCHEDULER_LEASE_NAME = 'scheduler';

/**
 * The write lane of the lease's renewals: a renewal must not queue behind a batch of
 * run writes that a lock or a slow disk holds, or the role lapses while the server is healthy.
 */
const SCHEDULER_WRITE_LANE = 'scheduler-lease';

/** What the role is built from. */
export interface SchedulerRoleOptions {
  readonly repositories: Repositories;
  readonly log: Logger;
  /** This server's `server_instances` id: the lease's holder id. */
  readonly instanceId: string;
  /** `engine.schedulerLeaseMs`. */
  readonly leaseMs: number;
  /** `engine.pollIntervalMs`: how often a server without the role looks at the lease. */
  readonly pollIntervalMs: number;
  /** `engine.allowDuplicateScheduler`: schedule without the lease (every server does). */
  readonly allowDuplicateScheduler: boolean;
  /** The liveness locks of a SQLite database, which prove a killed holder dead at once. */
  readonly locks: InstanceLocks | null;
}

/** The part of a lease the holder cannot count on any more, so that it stops before a takeover. */
export const safetyMarginOf = (leaseMs: number): number => Math.max(1000, Math.floor(leaseMs / 5));

const monotonicMs = () => performance.now();

const viewKeyOf = (lease: LeaseRecord): string =>
  `${lease.holderInstanceId ?? ''}|${lease.epoch}|${lease.expiresUtc}`;

/**
 * The scheduler role among the servers sharing one database (issue 13, beyond v0.3.0's
 * heartbeat rule of spec §9): exactly one of them holds the `scheduler` lease, renews it every
 * third of `engine.schedulerLeaseMs`, and counts itself the holder only until the start of its
 * last successful renewal plus the lease minus a safety margin, on its own monotonic clock. So a
 * holder that stalls or loses the database stops placing runs before anyone may take over.
 *
 * Another server takes the lease when it is released, when its holder's SQLite liveness lock or its
 * missing `server_instances` row shows it has stopped, or when it has watched the row stay unchanged for a whole lease on its own
 * clock: no two servers' clocks are compared, so clock skew cannot make two holders. A row whose
 * stored expiry is a whole lease in the past by this server's clock also counts as lapsed, so a
 * server started long after the holder died need not watch first.
 */
export class SchedulerRole {
  readonly #options: SchedulerRoleOptions;
  readonly #listeners = new Set<(holds: boolean) => void>();
  /** The lease as this server last wrote it; null while it does not hold it. */
  #held: LeaseRecord | null = null;
  #validUntilMs = 0;
  #renewedAtMs = Number.NEGATIVE_INFINITY;
  /** The row as last seen held by another server, and since when (monotonic) it has not changed. */
  #watched: { readonly key: string; readonly sinceMs: number } | null = null;
  #reported: boolean | undefined;
  #look: Promise<boolean> | null = null;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: SchedulerRoleOptions) {
    this.#options = options;
  }

  /** Whether this server may recover attempts and place runs now. */
  get holds(): boolean {
    if (this.#options.allowDuplicateScheduler) return true;
    return this.#held !== null && monotonicMs() < this.#validUntilMs;
  }

  /** This server's `server_instances` id. */
  get instanceId(): string {
    return this.#options.instanceId;
  }

  /** Whether every server schedules without the lease (`engine.allowDuplicateScheduler`). */
  get withoutLease(): boolean {
    return this.#options.allowDuplicateScheduler;
  }

  /** The epoch of the lease held now, or null. */
  get epoch(): number | null {
    return this.holds ? (this.#held?.epoch ?? null) : null;
  }

  /** Adds a listener told of every change of role; returns its removal. */
  onChange(listener: (holds: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Takes a first look (awaited), then looks again every third of a lease or poll, whichever is shorter. */
  async start(): Promise<boolean> {
    const holds = await this.refresh();
    const { leaseMs, pollIntervalMs } = this.#options;
    this.#timer = setInterval(
      () => {
        // A holder whose renewal hangs loses the role when its time is up, not when the call ends.
        this.#report();
        void this.refresh();
      },
      Math.min(pollIntervalMs, Math.floor(leaseMs / 3)),
    );
    this.#timer.unref();
    return holds;
  }

  /** Looks at the lease once (renewing or taking it when due); resolves to whether this server holds it. */
  refresh(): Promise<boolean> {
    if (this.#look) return this.#look;
    this.#look = this.#refresh()
      .catch((error: unknown) => {
        this.#options.log.error({ err: error }, 'scheduler lease could not be read or written');
        return this.holds;
      })
      .then((holds) => {
        this.#look = null;
        this.#report();
        return holds;
      });
    return this.#look;
  }

  /** Stops looking and gives the lease up, so another server takes the role at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#look;
    const held = this.#held;
    this.#held = null;
    this.#validUntilMs = 0;
    if (!held || this.#options.allowDuplicateScheduler) return;
    try {
      // In the default lane, behind every write of this server issued before it: the next holder
      // must find them committed.
      const released = await this.#options.repositories.schedulerLeases.release(held);
      if (released) this.#options.log.info({ epoch: held.epoch }, 'scheduler role released');
    } catch (error) {
      this.#options.log.warn({ err: error }, 'scheduler lease not released; it lapses by itself');
    }
  }

  async #refresh(): Promise<boolean> {
    const { repositories, instanceId, leaseMs, allowDuplicateScheduler } = this.#options;
    if (allowDuplicateScheduler || this.#stopped) return this.holds;
    const startedMs = monotonicMs();
    // A holder renews every third of a lease; between renewals there is nothing to look at.
    if (this.holds && startedMs - this.#renewedAtMs < leaseMs / 3) return true;
    const leases = repositories.schedulerLeases;
    const seen = await leases.read(SCHEDULER_LEASE_NAME);
    const ours = seen !== null && seen.holderInstanceId === instanceId;
    if (!ours) this.#held = null;
    if (seen && !ours && !this.#lapsed(seen, startedMs) && !(await this.#holderRetired(seen))) return false;
    const taken = await inWriteLane(SCHEDULER_WRITE_LANE, () =>
      leases.acquire(SCHEDULER_LEASE_NAME, instanceId, leaseMs, seen),
    );
    if (!taken || this.#stopped) {
      this.#held = null;
      return false;
    }
    this.#held = taken;
    this.#renewedAtMs = startedMs;
    this.#validUntilMs = startedMs + leaseMs - safetyMarginOf(leaseMs);
    this.#watched = null;
    return this.holds;
  }

  /** Whether another server's lease may be taken now. */
  #lapsed(seen: LeaseRecord, nowMs: number): boolean {
    const { leaseMs, locks } = this.#options;
    const key = viewKeyOf(seen);
    if (this.#watched?.key !== key) this.#watched = { key, sinceMs: nowMs };
    const holder = seen.holderInstanceId;
    if (holder === null) return true;
    if (locks?.isReleased(holder)) return true;
    if (nowMs - this.#watched.sinceMs >= leaseMs) return true;
    return Date.parse(seen.expiresUtc) + leaseMs < Date.now();
  }

  /**
   * Whether the holder's `server_instances` row is gone: a server removes its row only when it
   * stops, and a server listening at the same address removes the rows of earlier ones there.
   */
  async #holderRetired(seen: LeaseRecord): Promise<boolean> {
    const holder = seen.holderInstanceId;
    return holder !== null && (await this.#options.repositories.serverInstances.get(holder)) === null;
  }

  /** Logs a change of role once and tells the listeners. */
  #report(): void {
    const holds = this.holds;
    if (holds === this.#reported) return;
    const first = this.#reported === undefined;
    this.#reported = holds;
    const { log, instanceId, allowDuplicateScheduler } = this.#options;
    if (allowDuplicateScheduler)
      log.warn(
        { serverInstanceId: instanceId },
        'scheduling without the lease (engine.allowDuplicateScheduler)',
      );
    else if (holds)
      log.info({ serverInstanceId: instanceId, epoch: this.#held?.epoch }, 'scheduler role taken');
    else if (first)
      log.info(
        { serverInstanceId: instanceId },
        'another server holds the scheduler role; this one serves the API and triggers',
      );
    else
      log.warn({ serverInstanceId: instanceId }, 'scheduler role lost; this one serves the API and triggers');
    for (const listener of this.#listeners) listener(holds);
  }
}
