import { TempoApiError } from '@tempo/client';

/** What the dashboard shows of a failure: the API's stable code (when there is one) and its message. */
export interface ErrorText {
  /** The server's error code (`NotFound`, `BadRequest`, ...), or null for a failure in the browser. */
  readonly code: string | null;
  /** The message to show. */
  readonly message: string;
  /** The server's one-line details, when it sent them. */
  readonly details: string | null;
}

/** Reads code, message and details from whatever a call threw. */
export const errorText = (error: unknown): ErrorText => {
  if (error instanceof TempoApiError) {
    return { code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof Error) return { code: null, message: error.message, details: null };
  return { code: null, message: String(error), details: null };
};
