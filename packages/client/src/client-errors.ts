import { ErrorBody, type ErrorContext, errorBody, errorCodeForStatus, TempoError } from '@tempo/contracts';
import { z } from 'zod';

/**
 * An error body from a server (or a proxy) that speaks a code this client does not know, or an
 * older Tempo that sent its structured context as `details`.
 */
const LooseErrorBody = z.object({
  message: z.string(),
  details: z.unknown().optional(),
  context: z.unknown().optional(),
});

const contextOf = (value: unknown): ErrorContext => {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value;
  if (typeof value === 'object') return value as Readonly<Record<string, unknown>>;
  return { value };
};

/** A loose body as the one shape: a structured `details` (older servers) becomes the context. */
const fromLoose = (error: ErrorBody['error'], loose: z.output<typeof LooseErrorBody>): ErrorBody => {
  const { message, details, context } = loose;
  if (typeof details === 'string' || details === undefined || details === null) {
    return errorBody(error, message, contextOf(context), details ?? undefined);
  }
  return errorBody(error, message, contextOf(context ?? details));
};

/**
 * A failed API call: the server's `{ error, message, details?, context? }` body as `code`,
 * `message`, `details` (the readable line, or null) and `context` (the structured data, or
 * null), with the HTTP status as `statusCode`.
 */
export class TempoApiError extends TempoError {
  /** The server's readable one-line account of the context, or null when it sent none. */
  readonly details: string | null;

  constructor(statusCode: number, body: ErrorBody) {
    super(body.error, statusCode, body.message, contextOf(body.context));
    this.name = 'TempoApiError';
    this.details = body.details ?? null;
  }

  /** The wire body of this error, with the server's own `details` line. */
  override toBody(): ErrorBody {
    return errorBody(this.code, this.message, this.context, this.details ?? undefined);
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
    // A known code is kept even when the rest departs from the shape (an older server's details).
    const known = ErrorBody.shape.error.safeParse((body as { error?: unknown } | null)?.error);
    const error = known.success ? known.data : errorCodeForStatus(statusCode);
    if (loose.success) return new TempoApiError(statusCode, fromLoose(error, loose.data));
    const text = body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const message = `HTTP ${statusCode}${text ? `: ${text.slice(0, 200)}` : ''}`;
    return new TempoApiError(statusCode, errorBody(error, message));
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
