import type { AssignAckFrame, WireCompletion } from '@tempo/contracts';
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
 * Largest payload stored with an event, as JSON text. Payloads come from worker frames (up to
 * the 16 MiB frame limit), and the trail is history, not storage: a worker token holder
 * repeating a large frame that is refused (an orphan completion) must not fill the database.
 */
export const MAX_ACTIVITY_PAYLOAD_BYTES = 4096;

/**
 * Longest message stored with an event, in characters. Messages quote worker frames (a refusal's
 * reason, a completion's problem); a longer one is cut and marked.
 */
export const MAX_ACTIVITY_MESSAGE_CHARS = 1024;

const storedMessage = (message: string | null | undefined): string | null => {
  if (message === undefined || message === null) return null;
  return message.length <= MAX_ACTIVITY_MESSAGE_CHARS
    ? message
    : `${message.slice(0, MAX_ACTIVITY_MESSAGE_CHARS - 1)}…`;
};

/** The payload as stored: its JSON text, or a note of its size when that text is too large. */
const storedPayload = (payload: unknown): string | null => {
  if (payload === undefined) return null;
  const text = JSON.stringify(payload) ?? null;
  if (text === null) return null;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes <= MAX_ACTIVITY_PAYLOAD_BYTES ? text : JSON.stringify({ truncated: true, bytes });
};

/** The `worker_activity` row of an entry, stamped now with a fresh id. */
export const activityRow = (entry: ActivityEntry) => ({
  id: newId('workerActivity'),
  workerId: entry.workerId,
  workerSessionId: entry.workerSessionId ?? null,
  flowRunId: entry.flowRunId ?? null,
  runAssignmentId: entry.runAssignmentId ?? null,
  eventType: entry.eventType,
  severity: entry.severity,
  message: storedMessage(entry.message),
  payloadJson: storedPayload(entry.payload),
  createdUtc: new Date().toISOString(),
});

/** The session an event of a worker's frame is recorded against. */
interface FrameSession {
  readonly workerId: string;
  readonly workerSessionId: string;
}

/** The `assign-ack` entry of an acknowledgement (Warning when it refuses its assignment). */
export const assignAckEntry = (
  ack: AssignAckFrame,
  session: FrameSession,
  flowRunId: string | null,
): ActivityEntry => ({
  workerId: session.workerId,
  workerSessionId: session.workerSessionId,
  flowRunId,
  runAssignmentId: ack.runAssignmentId,
  eventType: 'assign-ack',
  severity: ack.accepted ? 'Info' : 'Warning',
  message: ack.accepted ? 'accepted' : (ack.message ?? 'rejected'),
  payload: ack,
});

/** The `orphan_completion` entry of a report that was not applied, and why. */
export const orphanCompletionEntry = (
  completion: WireCompletion,
  session: FrameSession,
  why: string,
): ActivityEntry => ({
  workerId: session.workerId,
  workerSessionId: session.workerSessionId,
  flowRunId: completion.flowRunId,
  runAssignmentId: completion.runAssignmentId,
  eventType: 'orphan_completion',
  severity: 'Warning',
  message: why,
  payload: completion,
});

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
    await repositories.workerActivity.create(activityRow(entry));
  } catch (error) {
    log.warn(
      { err: error, workerId: entry.workerId, eventType: entry.eventType },
      'worker activity not recorded',
    );
  }
};
