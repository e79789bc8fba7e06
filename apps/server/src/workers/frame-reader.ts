import { HelloFrame, WorkerFrame } from '@tempo/contracts';

/** Close reason when the first frame of a session is not a text frame (spec §4.2). */
export const EXPECTED_HELLO = 'expected hello frame';
/** Close reason when the first frame is not a valid `hello` for this worker (spec §4.2). */
export const INVALID_HELLO = 'invalid hello frame';
/** Close reason for any later frame that breaks the protocol (spec §4.2 rule 7). */
export const INVALID_FRAME = 'invalid worker frame';

/** A frame read off the socket, or why it is not one; `problem` goes to the log, not the wire. */
export type FrameReading<T> =
  | { readonly ok: true; readonly frame: T }
  | { readonly ok: false; readonly problem: string };

const typeOf = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as { type?: unknown }).type
    : undefined;

const parseJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

/** The first issues of a schema failure, short enough for one log line. */
const issuesOf = (error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(frame)'}: ${issue.message}`)
    .join('; ');

/** Reads the first frame of a session, which must be a text `hello`. */
export const readHello = (text: string): FrameReading<HelloFrame> => {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, problem: 'not JSON' };
  const type = typeOf(json.value);
  if (type !== 'hello') return { ok: false, problem: `first frame has type ${JSON.stringify(type ?? null)}` };
  const parsed = HelloFrame.safeParse(json.value);
  return parsed.success ? { ok: true, frame: parsed.data } : { ok: false, problem: issuesOf(parsed.error) };
};

/**
 * Reads a frame of a live session: JSON, with a `type`, of a type a worker may send, and of that
 * type's shape. Anything else is a protocol failure the session ends on, never a frame ignored.
 */
export const readWorkerFrame = (text: string): FrameReading<WorkerFrame> => {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, problem: 'not JSON' };
  const type = typeOf(json.value);
  if (typeof type !== 'string') return { ok: false, problem: 'no type' };
  const known = WorkerFrame.options.some((option) => option.shape.type.value === type);
  if (!known) return { ok: false, problem: `unknown type ${JSON.stringify(type.slice(0, 64))}` };
  const parsed = WorkerFrame.safeParse(json.value);
  return parsed.success
    ? { ok: true, frame: parsed.data }
    : { ok: false, problem: `${type}: ${issuesOf(parsed.error)}` };
};
