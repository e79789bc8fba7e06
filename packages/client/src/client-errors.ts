import { ErrorBody, type ErrorDetails, errorCodeForStatus, TempoError } from '@tempo/contracts';
import { z } from 'zod';

/** An error body from a server (or a proxy) that speaks a code this client does not know. */
const LooseErrorBody = z.object({ message: z.string(), details: z.unknown().optional() });

const detailsOf = (value: unknown): ErrorDetails => {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value;
  if (typeof value === 'object') return value as Readonly<Record<string, unknown>>;
  return { value };
};

/**
 * A failed API call: the server's `{ error, message, details }` body as `code`, `message` and
 * `details`, with the HTTP status as `statusCode`.
 */
export class TempoApiError extends TempoError {
  constructor(statusCode: number, body: ErrorBody) {
    super(body.error, statusCode, body.message, detailsOf(body.details));
    this.name = 'TempoApiError';
  }

  /**
   * The error of a non-2xx answer. A body that is not the one error shape (a proxy's HTML page,
   * a code newer than this client) still gives a typed error: the code follows the status and
   * the message keeps the start of the text.
   */
  static fromAnswer(statusCode: number, body: unknown): TempoApiError {
    const strict = ErrorBody.safeParse(body);
    if (strict.success) return new TempoApiError(statusCode, strict.data);
    const loose = LooseErrorBody.safeParse(body);
    const error = errorCodeForStatus(statusCode);
    if (loose.success) {
      return new TempoApiError(statusCode, {
        error,
        message: loose.data.message,
        details: loose.data.details ?? null,
      });
    }
    const text = body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const message = `HTTP ${statusCode}${text ? `: ${text.slice(0, 200)}` : ''}`;
    return new TempoApiError(statusCode, { error, message, details: null });
  }
}

/**
 * A 2xx answer whose body does not match the contract's schema: client and server disagree on a
 * wire shape, which is a bug to report, not a failure to handle.
 */
export class TempoResponseError extends Error {
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request, as sent. */
  readonly path: string;
  /** HTTP status of the answer. */
  readonly statusCode: number;
  /** Where the body departs from the schema. */
  readonly issues: readonly z.core.$ZodIssue[];

  constructor(method: string, path: string, statusCode: number, error: z.ZodError) {
    super(`${method} ${path} answered ${statusCode} with an unexpected body:\n${z.prettifyError(error)}`);
    this.name = 'TempoResponseError';
    this.method = method;
    this.path = path;
    this.statusCode = statusCode;
    this.issues = error.issues;
  }
}
