import {
  EntityId,
  ErrorBody,
  RuntimeConfig,
  RuntimeDescriptor,
  RuntimeKeyParams,
  TempoError,
  ValidateRuntimeConfigRequest,
  ValidateRuntimeConfigResponse,
} from '@tempo/contracts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUTHENTICATED } from '../http/openapi.ts';
import type { ServerContext } from '../server-context.ts';

const TenantParams = z.object({ tenantId: EntityId });

/** The runtime catalog as probed at start-up, for the server and as a tenant sees it, and config validation. */
export const runtimeRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const catalog = context.runtimeCatalog;
  const tenantRead = { access: { kind: 'tenant', resource: 'Step', operation: 'Read' } } as const;
  const describe = (summary: string) => ({ tags: ['Runtimes'], summary, security: AUTHENTICATED });

  r.get(
    '/v1.0/runtimes',
    {
      config: { access: { kind: 'authenticated' } },
      schema: {
        ...describe('Runtime catalog'),
        response: { 200: z.array(RuntimeDescriptor), 401: ErrorBody },
      },
    },
    async () => [...catalog],
  );
  r.get(
    '/v1.0/runtimes/:runtimeKey',
    {
      config: { access: { kind: 'authenticated' } },
      schema: {
        ...describe('One runtime'),
        params: RuntimeKeyParams,
        response: { 200: RuntimeDescriptor, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const runtime = catalog.find((entry) => entry.runtimeKey === request.params.runtimeKey);
      if (!runtime)
        throw new TempoError('NotFound', 404, `Runtime ${request.params.runtimeKey} is not in the catalog.`);
      return runtime;
    },
  );
  r.get(
    '/v1.0/tenants/:tenantId/runtimes',
    {
      config: tenantRead,
      schema: {
        ...describe('Runtime catalog as a tenant sees it'),
        params: TenantParams,
        response: { 200: z.array(RuntimeDescriptor), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async () => [...catalog],
  );
  r.post(
    '/v1.0/tenants/:tenantId/runtimes/validate',
    {
      config: tenantRead,
      schema: {
        ...describe('Validate a runtime configuration'),
        params: TenantParams,
        body: ValidateRuntimeConfigRequest,
        response: { 200: ValidateRuntimeConfigResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const { runtimeKey, config } = request.body;
      const availability =
        catalog.find((entry) => entry.runtimeKey === runtimeKey)?.availability ?? 'UnsupportedPlatform';
      const parsed = RuntimeConfig.safeParse({ runtimeKey, ...config });
      const errors = parsed.success
        ? []
        : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`);
      if (config.runtimeKey !== undefined && config.runtimeKey !== runtimeKey)
        errors.push('config.runtimeKey must equal runtimeKey.');
      return {
        valid: errors.length === 0,
        runtimeKey,
        availability,
        errors,
        normalizedConfig: parsed.success ? parsed.data : null,
      };
    },
  );
};
