import type { TempoSettings } from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import type { TempoDatabase } from '@tempo/core/store';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { installErrorHandling } from './http/error-handler.ts';
import { healthRoutes } from './routes/health.ts';

/** What the HTTP application is built from. */
export interface AppDependencies {
  readonly settings: TempoSettings;
  readonly database: TempoDatabase;
  readonly log: Logger;
  /** Version reported by `GET /`. */
  readonly version: string;
}

/** Largest request body the API accepts, in bytes. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/** Builds the Fastify application: error model, then every route plugin. */
export const buildApp = async (deps: AppDependencies): Promise<FastifyInstance> => {
  // Typed as Fastify's base logger so plugins written against the default instance type fit.
  const loggerInstance: FastifyBaseLogger = deps.log;
  const app = Fastify({
    loggerInstance,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: true,
  });
  installErrorHandling(app);
  await app.register(healthRoutes, { version: deps.version });
  return app;
};
