import type { FastifyInstance, RouteOptions } from 'fastify';
import { registerLazyExplorer } from './lazy-explorer.ts';
import { openApiBuilder } from './openapi-builder.ts';
import { finishDocument } from './openapi-document-cleanup.ts';
import { describeOperation, operationKeyOf } from './operation-docs.ts';
import { OPERATION_IDS } from './operation-ids.ts';

/** Security schemes of the API: every way a caller can authenticate, named as operations reference them. */
export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from POST /v1.0/token, or a credential access key, as `Authorization: Bearer ...`.',
  },
  token: { type: 'apiKey', in: 'header', name: 'x-token', description: 'A token from POST /v1.0/token.' },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: 'The administrator API key (setting auth.adminApiKey); acts as a global administrator.',
  },
  accessKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-access-key',
    description: 'A credential access key (pub_...), acting as the user it belongs to.',
  },
  email: {
    type: 'apiKey',
    in: 'header',
    name: 'x-email',
    description:
      'Email of a user or administrator; only together with x-password (and x-tenant-id to pick a tenant). Failed sign-ins are throttled like POST /v1.0/token.',
  },
  password: {
    type: 'apiKey',
    in: 'header',
    name: 'x-password',
    description: 'The password, plain or as its SHA-256 hex; only together with x-email.',
  },
} as const;

/** Security requirement of an authenticated operation: any one alternative; email and password go together. */
const AUTHENTICATED: readonly Readonly<Record<string, readonly string[]>>[] = [
  { bearer: [] },
  { token: [] },
  { apiKey: [] },
  { accessKey: [] },
  { email: [], password: [] },
];

/** Where the operation ids are kept, named in the error a missing one raises. */
const OPERATION_IDS_FILE = 'apps/server/src/http/operation-ids.ts';

/** Whether a route stays out of the document: the document itself, the explorer, HEAD and CORS preflights. */
const isUndocumented = (route: RouteOptions): boolean =>
  route.method === 'HEAD' || route.method === 'OPTIONS' || route.schema?.hide === true;

/**
 * Gives every documented route its `operationId` from {@link OPERATION_IDS} as it is registered.
 * A route with no entry has no id: in development (`NODE_ENV=development`) the server refuses to
 * start, elsewhere it logs the routes once ready, and the OpenAPI suites fail on them.
 */
const applyOperationIds = (app: FastifyInstance): void => {
  const strict = process.env.NODE_ENV === 'development';
  const missing: string[] = [];
  app.addHook('onRoute', (route) => {
    if (isUndocumented(route)) return;
    const key = operationKeyOf(route);
    const operationId = OPERATION_IDS[key];
    if (!operationId) {
      if (strict) throw new Error(`No operationId for ${key}: add one to ${OPERATION_IDS_FILE}.`);
      missing.push(key);
      return;
    }
    // A copy: routes may share one schema object (the two trigger methods do).
    route.schema = { ...route.schema, operationId };
  });
  app.addHook('onReady', async () => {
    if (missing.length > 0) {
      app.log.warn({ routes: missing }, `routes without an operationId; add them to ${OPERATION_IDS_FILE}`);
    }
  });
};

/** Each app's document builder, for {@link openApiDocumentOf}. */
const documents = new WeakMap<FastifyInstance, () => Promise<unknown>>();

/**
 * Generates OpenAPI 3.1 from the routes' zod schemas, serves it at `/openapi.json`, and an
 * interactive explorer at `/explorer`, both made on their first request ({@link openApiBuilder},
 * {@link registerLazyExplorer}).
 * Operation ids, security, error responses and the document-wide clean-up are applied here,
 * once, rather than in each route.
 */
export const registerOpenApi = async (app: FastifyInstance, version: string): Promise<void> => {
  applyOperationIds(app);
  const document = openApiBuilder(app, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tempo API',
        version,
        description:
          'Tenant-scoped data flows, steps, triggers and runs. Every failure answers the one error body `{ error, message, details?, context? }` with a stable `error` code.',
        license: { name: 'MIT', url: 'https://spdx.org/licenses/MIT.html' },
      },
      servers: [{ url: '/', description: 'The server that serves this document.' }],
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: describeOperation(AUTHENTICATED),
    transformObject: (document) =>
      'openapiObject' in document ? finishDocument(document.openapiObject) : document.swaggerObject,
  });
  documents.set(app, document);
  registerLazyExplorer(app, '/explorer', document);
  app.get('/openapi.json', { schema: { hide: true } }, document);
};

/** The OpenAPI document of an app built with {@link registerOpenApi}, once it is ready. */
export const openApiDocumentOf = async (app: FastifyInstance): Promise<unknown> => {
  const document = documents.get(app);
  if (!document) throw new Error('The app has no OpenAPI registration: build it with registerOpenApi.');
  return document();
};
