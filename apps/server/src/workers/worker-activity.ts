import { newId } from '@tempo/core/ids';
import type { Logger } from '@tempo/core/logging';
import type { Repositories } from '@tempo/core/store';

/** Severity strings of the activity trail (spec §7.2). */
export type ActivitySeverity = 'Info' | 'Warning';

/** One event to append to `worker_activity`. */
export interface ActivityEntry {
  readonly workerId: string;
  /** Spec §7.2 event type (`hello`, `assign-ack`, `orphan_completion`, ...). */
  readonly eventType: string;
  readonly severity: ActivitySeverity;
  readonly message?: string | null;
  readonly workerSessionId?: string | null;
  readonly flowRunId?: string | null;
  readonly runAssignmentId?: string | null;
  /** Stored as JSON text; left out when undefined. */
  readonly payload?: unknown;
}

/**
 * Appends to the worker activity trail. The trail is history, not control: a failed write is
 * logged and swallowed, so it never ends a session or fails the frame that caused it.
 */
export const recordActivity = async (
  repositories: Repositories,
  log: Logger,
  entry: ActivityEntry,
): Promise<void> => {
  try {
    await repositories.workerActivity.create({
      id: newId('workerActivity'),
      workerId: entry.workerId,
      workerSessionId: entry.workerSessionId ?? null,
      flowRunId: entry.flowRunId ?? null,
      runAssignmentId: entry.runAssignmentId ?? null,
      eventType: entry.eventType,
      severity: entry.severity,
      message: entry.message ?? null,
      payloadJson: entry.payload === undefined ? null : (JSON.stringify(entry.payload) ?? null),
      createdUtc: new Date().toISOString(),
    });
  } catch (error) {
    log.warn(
      { err: error, workerId: entry.workerId, eventType: entry.eventType },
      'worker activity not recorded',
    );
  }
};
