import {
  EntityId,
  ErrorBody,
  type ExternalExecutionStatusResponse as ExternalExecutionStatus,
  ExternalExecutionStatusResponse,
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
import { runtimeConfigProblems } from '../resources/runtime-config-checks.ts';
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
  /** The process limits and their pressure; a tenant sees only its own counters. */
  const externalStatus = (tenantId: string | null): ExternalExecutionStatus => {
    const { externalExecution: settings } = context.settings.runtimes;
    const status = context.processHost.status();
    const only = (counts: Readonly<Record<string, number>>) =>
      tenantId === null ? { ...counts } : tenantId in counts ? { [tenantId]: counts[tenantId] ?? 0 } : {};
    return {
      maxConcurrentProcessesServerWide: settings.maxConcurrentProcessesServerWide,
      maxConcurrentProcessesPerTenant: settings.maxConcurrentProcessesPerTenant,
      defaultMaxRuntimeMs: settings.defaultMaxRuntimeMs,
      maxStdoutBytes: settings.maxStdoutBytes,
      maxStderrBytes: settings.maxStderrBytes,
      maxInputBytes: settings.maxInputBytes,
      maxOutputBytes: settings.maxOutputBytes,
      scratchRoot: settings.scratchRoot,
      cacheRoot: settings.cacheRoot,
      environmentAllowList: [...settings.environmentAllowList],
      networkPolicyMode: settings.networkPolicyMode,
      killProcessTreeOnCancel: settings.killProcessTreeOnCancel,
      pythonExecutable: settings.pythonExecutable,
      nodeExecutable: settings.nodeExecutable,
      dotnetExecutable: settings.dotnetExecutable,
      capacity: {
        ...status,
        activeByTenant: only(status.activeByTenant),
        queuedByTenant: only(status.queuedByTenant),
      },
      tenantId,
      tenantActiveProcesses: tenantId === null ? 0 : (status.activeByTenant[tenantId] ?? 0),
      tenantQueuedSteps: tenantId === null ? 0 : (status.queuedByTenant[tenantId] ?? 0),
    };
  };

  r.get(
    '/v1.0/runtimes/external-execution',
    {
      config: { access: { kind: 'authenticated' } },
      schema: {
        ...describe('Process limits and capacity pressure of the handler runtimes'),
        response: { 200: ExternalExecutionStatusResponse, 401: ErrorBody },
      },
    },
    async () => externalStatus(null),
  );
  r.get(
    '/v1.0/tenants/:tenantId/runtimes/external-execution',
    {
      config: tenantRead,
      schema: {
        ...describe('Process limits and capacity pressure as a tenant sees them'),
        params: TenantParams,
        response: { 200: ExternalExecutionStatusResponse, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => externalStatus(request.params.tenantId),
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
