import {
  EntityId,
  ErrorBody,
  type ExternalExecutionStatusResponse as ExternalExecutionStatus,
  ExternalExecutionStatusResponse,
  RuntimeConfig,
  RuntimeDescriptor,
  RuntimeKeyParams,
  TempoError,
  type TenantExternalExecutionStatusResponse as TenantExternalExecutionStatus,
  TenantExternalExecutionStatusResponse,
  ValidateRuntimeConfigRequest,
  ValidateRuntimeConfigResponse,
} from '@tempo/contracts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runtimeConfigProblems } from '../resources/runtime-config-checks.ts';
import type { ServerContext } from '../server-context.ts';

const TenantParams = z.object({ tenantId: EntityId });

/** The runtime catalog as probed at start-up, for the server and as a tenant sees it, and config validation. */
export const runtimeRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const catalog = context.runtimeCatalog;
  const tenantRead = { access: { kind: 'tenant', resource: 'Step', operation: 'Read' } } as const;
  const describe = (summary: string) => ({ tags: ['Runtimes'], summary });

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
  const processes = context.settings.runtimes.externalExecution;
  // What handlers run under, as every tenant may read it (the settings change only on restart).
  const limits = {
    maxConcurrentProcessesServerWide: processes.maxConcurrentProcessesServerWide,
    maxConcurrentProcessesPerTenant: processes.maxConcurrentProcessesPerTenant,
    defaultMaxRuntimeMs: processes.defaultMaxRuntimeMs,
    maxStdoutBytes: processes.maxStdoutBytes,
    maxStderrBytes: processes.maxStderrBytes,
    maxInputBytes: processes.maxInputBytes,
    maxOutputBytes: processes.maxOutputBytes,
    environmentAllowList: [...processes.environmentAllowList],
    networkPolicyMode: processes.networkPolicyMode,
    killProcessTreeOnCancel: processes.killProcessTreeOnCancel,
  };

  // The server view names the host's folders and executables and every tenant's counters, so it
  // is for global administrators; a tenant reads its own share through the tenant route.
  r.get(
    '/v1.0/runtimes/external-execution',
    {
      config: { access: { kind: 'admin' } },
      schema: {
        ...describe('Process limits, folders and capacity pressure of the handler runtimes (administrators)'),
        response: { 200: ExternalExecutionStatusResponse, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (): Promise<ExternalExecutionStatus> => ({
      ...limits,
      scratchRoot: processes.scratchRoot,
      cacheRoot: processes.cacheRoot,
      pythonExecutable: processes.pythonExecutable,
      nodeExecutable: processes.nodeExecutable,
      dotnetExecutable: processes.dotnetExecutable,
      capacity: context.processHost.status(),
      tenantId: null,
      tenantActiveProcesses: 0,
      tenantQueuedSteps: 0,
    }),
  );
  r.get(
    '/v1.0/tenants/:tenantId/runtimes/external-execution',
    {
      config: tenantRead,
      schema: {
        ...describe("Process limits and the tenant's own process counters"),
        params: TenantParams,
        response: {
          200: TenantExternalExecutionStatusResponse,
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request): Promise<TenantExternalExecutionStatus> => {
      const { tenantId } = request.params;
      const status = context.processHost.status();
      return {
        ...limits,
        tenantId,
        tenantActiveProcesses: status.activeByTenant[tenantId] ?? 0,
        tenantQueuedSteps: status.queuedByTenant[tenantId] ?? 0,
      };
    },
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
      // Provider checks, as when a step is saved: the tenant's own artifact, an allowed host program.
      if (parsed.success && errors.length === 0)
        errors.push(...(await runtimeConfigProblems(context, request.params.tenantId, parsed.data)));
      const valid = errors.length === 0;
      return {
        valid,
        runtimeKey,
        availability,
        errors,
        normalizedConfig: valid && parsed.success ? parsed.data : null,
      };
    },
  );
};
