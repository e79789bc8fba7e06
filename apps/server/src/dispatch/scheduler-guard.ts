import type { Logger } from '@tempo/core/logging';
import { op, type Repositories } from '@tempo/core/store';
import type { InstanceLocks } from './instance-locks.ts';

/** What the guard found in one look at `server_instances`. */
export interface SchedulerStanding {
  /** Other servers on this database whose heartbeat is within `engine.workerHeartbeatTimeoutMs`. */
  readonly otherLiveIds: readonly string[];
  /** Whether this server may recover attempts and place runs (spec §9). */
  readonly maySchedule: boolean;
}

/** What the guard is built from. */
export interface SchedulerGuardOptions {
  readonly repositories: Repositories;
  readonly log: Logger;
  /** This server's `server_instances` id. */
  readonly instanceId: string;
  /** `engine.workerHeartbeatTimeoutMs`: the liveness window of another server. */
  readonly heartbeatTimeoutMs: number;
  /** `engine.allowDuplicateScheduler`: schedule even while another server is live. */
  readonly allowDuplicateScheduler: boolean;
  /** The liveness locks of a SQLite database, which prove a killed server dead at once. */
  readonly locks: InstanceLocks | null;
}

/**
 * The single-scheduler rule (spec §9): while another server on the same database has a heartbeat
 * within `engine.workerHeartbeatTimeoutMs`, this one only serves the API. It recovers no attempt
 * and places no run, so two coordinators never take each other's runs back or run one twice;
 * it schedules again once the other's heartbeat goes stale, or at once when that server's SQLite
 * liveness lock shows it has stopped. Every change is logged once.
 */
export class SchedulerGuard {
  readonly #options: SchedulerGuardOptions;
  #lastMaySchedule: boolean | undefined;

  constructor(options: SchedulerGuardOptions) {
    this.#options = options;
  }

  /** Looks at the other servers now; answers what this server may do. */
  async standing(): Promise<SchedulerStanding> {
    const { repositories, instanceId, heartbeatTimeoutMs, allowDuplicateScheduler, locks, log } =
      this.#options;
    const cutoff = new Date(Date.now() - heartbeatTimeoutMs).toISOString();
    const rows = await repositories.serverInstances.find({
      lastHeartbeatUtc: op.range({ gte: cutoff }),
      id: op.not(instanceId),
    });
    const otherLiveIds = rows.map((row) => row.id).filter((id) => !locks?.isReleased(id));
    const maySchedule = allowDuplicateScheduler || otherLiveIds.length === 0;
    if (maySchedule !== this.#lastMaySchedule) {
      // The first look is logged too, but only when it finds this server API-only.
      if (!maySchedule)
        log.warn(
          { otherServerInstanceIds: otherLiveIds, heartbeatTimeoutMs },
          'scheduling suspended: another server on this database is live; this one serves the API only',
        );
      else if (this.#lastMaySchedule === false)
        log.info(
          { serverInstanceId: instanceId },
          'scheduling resumed: no other live server on this database',
        );
      else if (otherLiveIds.length > 0)
        log.warn(
          { otherServerInstanceIds: otherLiveIds },
          'another server on this database is live; scheduling anyway (engine.allowDuplicateScheduler)',
        );
      this.#lastMaySchedule = maySchedule;
    }
    return { otherLiveIds, maySchedule };
  }
}
