import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Telemetry } from '@tempo/core/telemetry';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { authPlugin } from './auth/auth-plugin.ts';
import { answerClientError, installErrorHandling, toErrorResponse } from './http/error-handler.ts';
import { assertJsonDepth } from './http/json-depth.ts';
import { registerOpenApi } from './http/openapi.ts';
import { responseSerializerCompiler } from './http/response-serializer.ts';
import { routePlugins } from './routes/index.ts';
import type { ServerContext } from './server-context.ts';
import { registerHttpTelemetry } from './telemetry/http-telemetry.ts';

/** The `compilersFactory` option of Fastify's schema controller. */
type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;

/**
 * Every route validates with zod and answers through our serializer, which leaves null properties
 * of our records out of answers (v0.3.0's rule). Given as the factories rather than set on the
 * instance, they keep Fastify from loading its default Ajv and fast-json-stringify compilers,
 * about 70 ms of every start. Fastify's option types describe Ajv-shaped compilers, but it calls
 * a factory's compiler with the route definition, as it calls one set with setValidatorCompiler.
 */
const ZOD_COMPILERS = {
  buildValidator: () => validatorCompiler,
  buildSerializer: () => responseSerializerCompiler,
} as unknown as CompilersFactory;

/** Largest request body the API accepts, in bytes. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Builds the Fastify application: request telemetry (when on), error model, security, OpenAPI,
 * auth, then every route plugin.
 */
export const buildApp = async (context: ServerContext, telemetry?: Telemetry): Promise<FastifyInstance> => {
  // Typed as Fastify's base logger so plugins written against the default instance type fit.
  const loggerInstance: FastifyBaseLogger = context.log;
  const app = Fastify({
    loggerInstance,
    // Fastify's own pair of lines per request carries whole request and reply objects through
    // the redaction paths; one small line from the hook below says what an operator needs.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Forwarding headers are believed only from the proxies named in settings; otherwise any
    // client could pick the address that rate limits, sign-in throttles and sourceIp record.
    trustProxy:
      context.settings.rest.trustedProxies.length > 0 ? [...context.settings.rest.trustedProxies] : false,
    return503OnClosing: true,
    // Errors Fastify raises before routing (bad URL) get the one body too.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      const { statusCode, body } = toErrorResponse(error, request);
      void reply.code(statusCode).type('application/json').send(body);
    },
    clientErrorHandler: answerClientError,
    schemaController: { compilersFactory: ZOD_COMPILERS },
  });
  // Before every other hook, so authentication and the handlers run inside the request's span.
  if (telemetry) registerHttpTelemetry(app, telemetry);
  installErrorHandling(app);
  // The request line holds no credential (no headers, no body), so it skips the redaction paths,
  // which cost more than the rest of the line.
  const requestLog = context.log.child({}, { redact: [] });
  app.addHook('onResponse', async (request, reply) => {
    requestLog.info(
      {
        reqId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
  });
  // The API speaks JSON: any other body is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  // After authentication (401 first), before validation and every handler.
  app.addHook('preValidation', async (request) => assertJsonDepth(request.body));

  const { rest } = context.settings;
  await app.register(cors, {
    origin: rest.corsOrigins.includes('*') ? true : rest.corsOrigins,
    // A stray OPTIONS without preflight headers is answered like any other request, not with text.
    strictPreflight: false,
    // The plugin's default (GET, HEAD, POST) would stop a browser client such as the dashboard
    // from editing or deleting anything.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    exposedHeaders: ['x-request'],
  });
  if (rest.securityHeaders) {
    // The API serves JSON; the explorer page needs its own scripts, so no content policy is imposed.
    await app.register(helmet, {
      contentSecurityPolicy: false,
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    });
  }
  await app.register(rateLimit, { global: false });
  await registerOpenApi(app, context.version);
  await app.register(authPlugin, { authenticator: context.authenticator, authorizer: context.authorizer });
  for (const plugin of routePlugins) await app.register(plugin, { context });
  return app;
};
