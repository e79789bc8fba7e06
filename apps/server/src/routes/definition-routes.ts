import {
  CommonErrors,
  EnsureStepsResponse,
  EntityId,
  ErrorBody,
  FlowValidationResult,
  InlineRestMigrationRequest,
  InlineRestMigrationResult,
  RegisteredStep,
  SourceStepCreateRequest,
  SourceStepCreateResponse,
} from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSourceStep } from '../artifacts/source-steps.ts';
import { SourceSyntaxChecker } from '../artifacts/source-syntax-check.ts';
import { registerCrudRoutes } from '../resources/crud-routes.ts';
import { flowResource, stepResource, triggerResource } from '../resources/definitions.ts';
import { flowKeyProblems } from '../resources/flow-key-check.ts';
import { migrateInlineRest } from '../resources/inline-rest-migration.ts';
import type { ServerContext } from '../server-context.ts';

/** Steps, flows and triggers, `ensure-steps` and the built-in step registrations. */
export const definitionRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  registerCrudRoutes(app, context, stepResource);
  registerCrudRoutes(app, context, flowResource);
  registerCrudRoutes(app, context, triggerResource);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const syntax = new SourceSyntaxChecker(context.settings.runtimes.externalExecution);

  r.post(
    '/v1.0/tenants/:tenantId/steps/source',
    {
      config: { access: { kind: 'tenant', resource: 'Step', operation: 'Create' } },
      schema: {
        tags: ['Steps'],
        summary: 'Create an artifact-backed step from pasted Python, JavaScript or C# source',
        description:
          "The code is packaged into a new artifact (C# is built with `dotnet publish` first; Python and JavaScript are parsed by the server's interpreters, and a syntax error answers 400 with the interpreter's message and line); the step runs its `current` version.",
        params: z.object({ tenantId: EntityId }),
        body: SourceStepCreateRequest,
        response: {
          201: SourceStepCreateResponse,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
          429: ErrorBody,
          503: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { tenantId } = request.params;
      // A source step also creates an artifact: the caller needs that permission too.
      if (!(await context.authorizer.permits(request.principal, tenantId, 'Artifact', 'Create')))
        throw CommonErrors.forbidden();
      return reply.code(201).send(await createSourceStep(context, tenantId, request.body, syntax));
    },
  );

  r.post(
    '/v1.0/migrations/inline-rest',
    {
      config: { access: { kind: 'admin' } },
      schema: {
        tags: ['Migrations'],
        summary: 'Turn legacy inline REST transitions into External.Rest steps',
        description:
          'Body `{}` migrates every tenant; `tenantId` one tenant; `tenantId` + `flowId` one flow. Idempotent.',
        body: InlineRestMigrationRequest.optional(),
        response: {
          200: InlineRestMigrationResult,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request) => migrateInlineRest(context.repositories, request.body ?? {}),
  );

  r.get(
    '/v1.0/steps/registered',
    {
      config: { access: { kind: 'authenticated' } },
      schema: {
        tags: ['Steps'],
        summary: 'Built-in steps registered in this process',
        response: { 200: z.array(RegisteredStep), 401: ErrorBody },
      },
    },
    async () => context.builtins.list(),
  );

  r.post(
    '/v1.0/tenants/:tenantId/flows/:id/validate',
    {
      config: { access: { kind: 'tenant', resource: 'DataFlow', operation: 'Read' } },
      schema: {
        tags: ['Flows'],
        summary: "Check a flow's keys against the tenant's active steps",
        description:
          'startStepId and the transitions keys are step executionKeys, not step ids. Lists every key that matches no active step (NoStep, InactiveStep), and names the step when its id was written instead of its executionKey (StepIdUsedAsKey). Changes nothing; always 200, with valid false when a run would stop at one of these keys.',
        params: z.object({ tenantId: EntityId, id: EntityId }),
        response: { 200: FlowValidationResult, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const { tenantId, id } = request.params;
      const flow = await context.repositories.dataFlows.inTenant(tenantId).require(id, 'DataFlow');
      const problems = await flowKeyProblems(context.repositories, tenantId, flow);
      return { valid: problems.length === 0, problems };
    },
  );

  r.post(
    '/v1.0/tenants/:tenantId/flows/:id/ensure-steps',
    {
      config: { access: { kind: 'tenant', resource: 'Step', operation: 'Create' } },
      schema: {
        tags: ['Flows'],
        summary: 'Create placeholder steps for transition keys without a step',
        description: 'Placeholders use the Builtin.Unknown runtime and stay Unresolved until edited.',
        params: z.object({ tenantId: EntityId, id: EntityId }),
        response: { 200: EnsureStepsResponse, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const { tenantId, id } = request.params;
      const flow = await context.repositories.dataFlows.inTenant(tenantId).require(id, 'DataFlow');
      const steps = context.repositories.steps.inTenant(tenantId);
      const result = { created: [] as string[], existing: [] as string[] };
      for (const executionKey of Object.keys(flow.transitions)) {
        if (await steps.findOne({ executionKey })) {
          result.existing.push(executionKey);
          continue;
        }
        await steps.create({
          id: newId('step'),
          executionKey,
          name: flow.transitions[executionKey]?.name ?? executionKey,
          runtimeKey: 'Builtin.Unknown',
          runtimeConfig: { runtimeKey: 'Builtin.Unknown', identifier: executionKey },
          runtimeBindingState: 'Unresolved',
          runtimeBindingMessage: 'Placeholder created by ensure-steps; choose a runtime.',
        });
        result.created.push(executionKey);
      }
      return result;
    },
  );
};
