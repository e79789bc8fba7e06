import { ExternalRestSampleResponse, HealthResponse, ServerInfoResponse } from '@tempo/contracts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ServerContext } from '../server-context.ts';

/** `GET /` (name and version), `GET /v1.0/api/health` and the REST sample target; none needs credentials. */
export const healthRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/',
    {
      schema: {
        tags: ['Service'],
        summary: 'Server name and version',
        response: { 200: ServerInfoResponse },
      },
    },
    async () => ({ name: 'Tempo Server', version: context.version }),
  );
  r.get(
    '/v1.0/samples/external-rest',
    {
      schema: {
        tags: ['Service'],
        summary: 'Loopback target of the seeded External.Rest sample step',
        response: { 200: ExternalRestSampleResponse },
      },
    },
    async () => ({ sample: 'external-rest' as const, time: new Date().toISOString() }),
  );
  r.get(
    '/v1.0/api/health',
    { schema: { tags: ['Service'], summary: 'Health check', response: { 200: HealthResponse } } },
    async () => ({ status: 'ok' as const, time: new Date().toISOString() }),
  );
};
