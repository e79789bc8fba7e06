import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { type ErrorBody, errorBody, errorCodeForStatus, TempoError } from '@tempo/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** Fastify's own client-error codes and the Tempo error each becomes. */
const FASTIFY_CODES: Readonly<Record<string, (error: FastifyError, request: FastifyRequest) => TempoError>> =
  {
    FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
      new TempoError('UnsupportedMediaType', 415, 'Unsupported Content-Type: send application/json.'),
    // The route's own limit (trigger routes have a smaller one), whether the length was declared
    // or the body was stopped while it arrived in chunks.
    FST_ERR_CTP_BODY_TOO_LARGE: (_error, request) => {
      const limitBytes = request.routeOptions?.bodyLimit;
      return limitBytes === undefined
        ? new TempoError('PayloadTooLarge', 413, 'The request body is too large.')
        : new TempoError(
            'PayloadTooLarge',
            413,
            `The request body may be at most ${limitBytes} bytes; send a smaller one.`,
            {
              limitBytes,
            },
          );
    },
    FST_ERR_CTP_EMPTY_JSON_BODY: () =>
      new TempoError(
        'BadRequest',
        400,
        'body required: Content-Type is application/json but the body is empty.',
      ),
    FST_ERR_CTP_INVALID_JSON_BODY: (error) =>
      new TempoError('BadRequest', 400, `Invalid JSON body: ${error.message}`),
  };

/** Framework messages quote the request (a whole URL, say); keep them readable. */
const shorten = (message: string): string => (message.length > 300 ? `${message.slice(0, 300)}…` : message);

/** Turns any thrown value into the one error body; unexpected ones are logged with a correlation id. */
export const toErrorResponse = (
  error: unknown,
  request: FastifyRequest,
): { readonly statusCode: number; readonly body: ErrorBody } => {
  if (error instanceof TempoError) return { statusCode: error.statusCode, body: error.toBody() };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = (error as { validationContext?: string }).validationContext ?? 'request';
    const issues = error.validation.map((issue) => ({
      field: issue.instancePath.replace(/^\//, '').replace(/\//g, '.'),
      message: issue.message ?? 'is invalid',
    }));
    const first = issues[0];
    const where = first?.field ? `${part}.${first.field}` : part;
    // The readable line names each field with its part (`body.name: Required`), as the message does.
    const readable = issues
      .map((issue) => `${issue.field ? `${part}.${issue.field}` : part}: ${issue.message}`)
      .join('; ');
    return {
      statusCode: 400,
      body: errorBody(
        'BadRequest',
        `Invalid ${where}: ${(first?.message ?? 'is invalid').replace(/\.$/, '')}.`,
        { issues },
        readable,
      ),
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) {
    const tempoError = mapped(fastifyError as FastifyError, request);
    return { statusCode: tempoError.statusCode, body: tempoError.toBody() };
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      statusCode: status,
      body: errorBody(errorCodeForStatus(status), shorten(fastifyError.message ?? 'Bad request.')),
    };
  }
  const correlationId = randomUUID();
  request.log.error({ err: error, correlationId }, 'unexpected error');
  return {
    statusCode: 500,
    body: errorBody(
      'InternalError',
      `An unexpected error occurred; quote correlation id ${correlationId} when reporting it.`,
      { correlationId },
    ),
  };
};

/**
 * Answers a request Node's HTTP parser refused before Fastify saw it (headers too large, a
 * malformed request line) with the one JSON error body, then closes the connection.
 */
export const answerClientError = (error: Error & { code?: string }, socket: Duplex): void => {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify(
    errorBody(
      tooLarge ? 'PayloadTooLarge' : 'BadRequest',
      tooLarge ? 'The request headers are too large.' : 'The request is not valid HTTP.',
    ),
  );
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
};

/** Installs the one error handler and the JSON 404 for unknown routes. */
export const installErrorHandling = (app: FastifyInstance): void => {
  app.setErrorHandler((error, request, reply: FastifyReply) => {
    const { statusCode, body } = toErrorResponse(error, request);
    // Every throttle (sign-in, trigger rates) says when to come back in its context; the
    // standard header says it to clients that read only headers.
    const retryAfter = (body.context as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (statusCode === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    return reply.code(statusCode).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/json')
      .send(errorBody('NotFound', `No route ${request.method} ${request.url.split('?')[0]}.`)),
  );
};
