import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** Security schemes of the API, named as routes reference them. */
export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'Token from POST /v1.0/token, or a credential access key.',
  },
  token: { type: 'apiKey', in: 'header', name: 'x-token', description: 'Token from POST /v1.0/token.' },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: 'The administrator API key (auth.adminApiKey).',
  },
  accessKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-access-key',
    description: 'A credential access key (pub_...).',
  },
} as const;

/** Security requirement of an authenticated route: any one of the schemes. */
export const AUTHENTICATED = Object.keys(SECURITY_SCHEMES).map((name) => ({ [name]: [] }));

/**
 * Generates OpenAPI 3.1 from the routes' zod schemas, serves it at `/openapi.json`, and an
 * interactive explorer at `/explorer`.
 */
export const registerOpenApi = async (app: FastifyInstance, version: string): Promise<void> => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tempo API',
        version,
        description:
          'Tenant-scoped data flows, steps, triggers and runs. Errors are always `{ error, message, details }`.',
        license: { name: 'MIT' },
      },
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/explorer' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};
