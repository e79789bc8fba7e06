import { z } from 'zod';

/**
 * Stable `error` codes of the error body. Clients branch on these, never on the message.
 * The first eight are the spec's; the rest name failures the spec leaves to the host.
 */
export const ErrorCode = z.enum([
  'BadRequest',
  'UnsupportedAuthHeader',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'Protected',
  'MigrationConflict',
  'SaveFailed',
  'Conflict',
  'InUse',
  'Inactive',
  'NoFlow',
  'MethodNotAllowed',
  'PayloadTooLarge',
  'UnsupportedMediaType',
  'TooManyRequests',
  'Unavailable',
  'InternalError',
  'RunFailed',
  'RunException',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The code of an error status that carries no code of its own (a plugin's 429, a proxy's 502, ...). */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  502: 'Unavailable',
  503: 'Unavailable',
  504: 'Unavailable',
};

/** The error code of an HTTP error status: its own where one fits, else `BadRequest` or `InternalError`. */
export const errorCodeForStatus = (statusCode: number): ErrorCode =>
  CODE_BY_STATUS[statusCode] ?? (statusCode < 500 ? 'BadRequest' : 'InternalError');

/** The one JSON body of every failed request. */
export const ErrorBody = z.object({
  /** Stable code from {@link ErrorCode}. */
  error: ErrorCode,
  /** Human-readable explanation that says what to do; wording may change. */
  message: z.string(),
  /** Structured context (field issues, ids), or null. */
  details: z.unknown().nullable(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Context attached to an error: plain JSON-serialisable values. */
export type ErrorDetails = Readonly<Record<string, unknown>> | readonly unknown[] | null;

/**
 * A failure that can reach a client or a log: a stable code, the HTTP status it maps to, a
 * message for people and structured details. Thrown by services; turned into {@link ErrorBody}
 * by the server's one error handler.
 */
export class TempoError extends Error {
  /** Stable error code. */
  readonly code: ErrorCode;
  /** HTTP status the code maps to. */
  readonly statusCode: number;
  /** Structured context, serialised as `details`. */
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, statusCode: number, message: string, details: ErrorDetails = null) {
    super(message);
    this.name = 'TempoError';
    this.code = code;
    this.statusCode = statusCode;
    this.details = details;
  }

  /** The wire body of this error. */
  toBody(): ErrorBody {
    return { error: this.code, message: this.message, details: this.details };
  }
}

/** Errors every resource can raise, with the spec's default messages. */
export const CommonErrors = {
  badRequest: (message: string, details: ErrorDetails = null) =>
    new TempoError('BadRequest', 400, message, details),
  unauthorized: () => new TempoError('Unauthorized', 401, 'Authentication is required.'),
  forbidden: (message = 'You do not have access to this resource.') =>
    new TempoError('Forbidden', 403, message),
  notFound: (resource: string, id: string) =>
    new TempoError('NotFound', 404, `${resource} ${id} was not found.`, { resource, id }),
  protectedRecord: (resource: string, id: string) =>
    new TempoError('Protected', 409, `${resource} is protected.`, { resource, id }),
  inUse: (resource: string, id: string, referencedBy: string) =>
    new TempoError(
      'InUse',
      409,
      `${resource} ${id} is still referenced by ${referencedBy}; remove the reference first or set active=false.`,
      { resource, id, referencedBy },
    ),
  conflict: (message: string, details: ErrorDetails = null) =>
    new TempoError('Conflict', 409, message, details),
} as const;
