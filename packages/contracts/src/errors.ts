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

/**
 * The one JSON body of every failed request. `details` is a readable line, as Tempo v0.3.0
 * clients expect a string there; `context` holds the same facts as structured JSON for programs.
 * Both are left out when an error has nothing to add.
 */
export const ErrorBody = z.object({
  /** Stable code from {@link ErrorCode}. */
  error: ErrorCode,
  /** Human-readable explanation that says what to do; wording may change. */
  message: z.string(),
  /** One readable line made from `context` (`"limitBytes: 1048576"`, `"body.name: Required"`); absent when there is none. */
  details: z.string().optional(),
  /** Structured context (field issues, ids, limits) as JSON; absent when there is none. */
  context: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Context attached to an error: plain JSON-serialisable values. */
export type ErrorContext = Readonly<Record<string, unknown>> | readonly unknown[] | null;

/** Longest `details` line; the structured `context` keeps everything. */
const MAX_DETAILS_CHARS = 1000;

/** A field issue as the error handler writes it (`field`) or as zod reports it (`path`). */
interface ContextIssue {
  readonly field?: unknown;
  readonly path?: unknown;
  readonly message: string;
}

const isIssue = (value: unknown): value is ContextIssue =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { message?: unknown }).message === 'string' &&
  ('field' in value || 'path' in value);

const describeIssue = (issue: ContextIssue): string => {
  const where =
    typeof issue.field === 'string'
      ? issue.field
      : Array.isArray(issue.path)
        ? issue.path.map(String).join('.')
        : '';
  return where ? `${where}: ${issue.message}` : issue.message;
};

const describeValue = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));

/**
 * The readable one-line `details` of an error's context: `key: value` pairs joined by `; `, a
 * list of field issues as `field: message` each; undefined when the context says nothing.
 */
export const describeErrorContext = (context: ErrorContext): string | undefined => {
  if (context === null) return undefined;
  const parts: string[] = [];
  const describeList = (list: readonly unknown[]): void => {
    for (const item of list) parts.push(isIssue(item) ? describeIssue(item) : describeValue(item));
  };
  if (Array.isArray(context)) describeList(context);
  else {
    for (const [key, value] of Object.entries(context)) {
      if (value === undefined) continue;
      if (key === 'issues' && Array.isArray(value) && value.every(isIssue)) describeList(value);
      else parts.push(`${key}: ${describeValue(value)}`);
    }
  }
  return parts.length === 0 ? undefined : parts.join('; ');
};

/** A text as one line of at most {@link MAX_DETAILS_CHARS} characters. */
const oneLine = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_DETAILS_CHARS ? `${line.slice(0, MAX_DETAILS_CHARS)}…` : line;
};

/**
 * Builds the error body: `details` from `context` unless a caller words it itself, both left
 * out when empty. The one place that shapes the body's optional fields.
 */
export const errorBody = (
  error: ErrorCode,
  message: string,
  context: ErrorContext = null,
  details: string | undefined = describeErrorContext(context),
): ErrorBody => {
  const line = details === undefined ? '' : oneLine(details);
  return {
    error,
    message,
    ...(line === '' ? {} : { details: line }),
    ...(context === null ? {} : { context }),
  };
};

/**
 * A failure that can reach a client or a log: a stable code, the HTTP status it maps to, a
 * message for people and structured context. Thrown by services; turned into {@link ErrorBody}
 * by the server's one error handler.
 */
export class TempoError extends Error {
  /** Stable error code. */
  readonly code: ErrorCode;
  /** HTTP status the code maps to. */
  readonly statusCode: number;
  /** Structured context, serialised as `context` (and, readable, as `details`). */
  readonly context: ErrorContext;

  constructor(code: ErrorCode, statusCode: number, message: string, context: ErrorContext = null) {
    super(message);
    this.name = 'TempoError';
    this.code = code;
    this.statusCode = statusCode;
    this.context = context;
  }

  /** The wire body of this error. */
  toBody(): ErrorBody {
    return errorBody(this.code, this.message, this.context);
  }
}

/** Errors every resource can raise, with the spec's default messages. */
export const CommonErrors = {
  badRequest: (message: string, context: ErrorContext = null) =>
    new TempoError('BadRequest', 400, message, context),
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
  conflict: (message: string, context: ErrorContext = null) =>
    new TempoError('Conflict', 409, message, context),
} as const;
