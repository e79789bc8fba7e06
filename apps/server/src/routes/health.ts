import type { FastifyPluginAsync } from 'fastify';

/** Options of the health routes. */
export interface HealthRoutesOptions {
  /** Version reported by `GET /`. */
  readonly version: string;
}

/** `GET /` (name and version) and `GET /v1.0/api/health`; both need no credentials. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, options) => {
  app.get('/', async () => ({ name: 'Tempo Server', version: options.version }));
  app.get('/v1.0/api/health', async () => ({ status: 'ok', time: new Date().toISOString() }));
};
