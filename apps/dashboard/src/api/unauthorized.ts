import { TempoApiError } from '@tempo/client';

/** The window event that signs the dashboard out (spec §4.1). */
export const UNAUTHORIZED_EVENT = 'auth:unauthorized';

/** Announces a 401 from the API so the session ends wherever the call was made. */
export const reportIfUnauthorized = (error: unknown): void => {
  if (error instanceof TempoApiError && error.statusCode === 401) {
    window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
  }
};
