import {
  allowedTriggerMethods,
  CommonErrors,
  type DataFlowRecord,
  EntityId,
  type FlowRunRecord,
  TempoError,
  TRIGGER_RESPONSE_HEADERS,
} from '@tempo/contracts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canActOnTenant } from '../auth/principal.ts';
import { PublicTriggerRateLimit, TriggerLimitErrors } from '../http/trigger-limits.ts';
import { recordRequestHistory } from '../runs/request-history-recorder.ts';
import { isTerminal } from '../runs/run-completions.ts';
import type { ServerContext } from '../server-context.ts';

const TriggerParams = z.object({ triggerId: EntityId });

/** Default wait for a run, and the bounds of a flow-specific one (spec: ms). */
const DEFAULT_WAIT_MS = 30_000;
const MIN_WAIT_MS = 1_000;
const MAX_WAIT_MS = 600_000;

/** How long a trigger call waits for its run: the flow's limit plus 5 s, clamped, or 30 s. */
export const waitBudgetMs = (flow: Pick<DataFlowRecord, 'maxRuntimeMs'>): number =>
  flow.maxRuntimeMs > 0
    ? Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, flow.maxRuntimeMs + 5_000))
    : DEFAULT_WAIT_MS;

/** The HTTP status of a trigger answer for the run's state. */
const statusOf = (run: FlowRunRecord): number => {
  if (!isTerminal(run.state)) return 202;
  switch (run.state) {
    case 'Succeeded':
      return 200;
    case 'Cancelled':
      return 409;
    default:
      return 500;
  }
};

/**
 * The error a trigger call answers when its run failed without output: the run's own message,
 * under a code per failed state, so the caller gets the one error body instead of nothing.
 */
const TriggerRunErrors = {
  ended: (run: FlowRunRecord) =>
    new TempoError(
      run.state === 'Exception' ? 'RunException' : 'RunFailed',
      500,
      run.errorMessage ?? `Run ${run.id} ended ${run.state} without output.`,
      { runId: run.id, state: run.state },
    ),
} as const;

/** `application/json` and the `+json` types (`application/problem+json`, ...), any parameters aside. */
const declaresJson = (contentType: string | undefined): boolean => {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
};

/**
 * A body that says it is JSON must be JSON. The engine hands a body that does not parse to the
 * first step as text (plain-text bodies are a flow's input too), so a truncated JSON document
 * would reach a handler as a string and fail there with a message about strings; the caller
 * learns why here instead, before a run is made.
 */
const refuseBrokenJson = (body: string | null, contentType: string | undefined): void => {
  if (body === null || !declaresJson(contentType)) return;
  try {
    JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw CommonErrors.badRequest(
      `The body is sent as ${contentType?.split(';')[0]?.trim()} but is not valid JSON (${reason}). Fix the JSON, or send another Content-Type (text/plain) to pass the text to the flow as it is.`,
      { contentType: contentType ?? null },
    );
  }
};

const runtimeMs = (run: FlowRunRecord): string => {
  const start = Date.parse(run.startedUtc ?? run.createdUtc);
  const end = run.completedUtc ? Date.parse(run.completedUtc) : Date.now();
  return (Math.round((end - start) * 100) / 100).toFixed(2);
};

/** The run metadata headers of the spec, empty ones left out. */
const runHeaders = (run: FlowRunRecord, triggerId: string): Record<string, string> => {
  const values: Record<(typeof TRIGGER_RESPONSE_HEADERS)[number], string | null> = {
    'x-tenant-id': run.tenantId,
    'x-worker-id': run.assignedWorkerId,
    'x-run-id': run.id,
    'x-dataflow-id': run.dataFlowId,
    'x-trigger-id': triggerId,
    'x-run-state': run.state,
    'x-run-created-utc': run.createdUtc,
    'x-run-started-utc': run.startedUtc,
    'x-run-completed-utc': run.completedUtc,
    'x-run-last-update-utc': run.lastUpdateUtc,
    'x-runtime-ms': runtimeMs(run),
    // Header values must be one line of visible characters.
    'x-run-error': run.errorMessage ? run.errorMessage.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 1024) : null,
  };
  const headers = Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== null),
  );
  return { ...headers, 'access-control-expose-headers': TRIGGER_RESPONSE_HEADERS.join(', ') };
};

/**
 * `GET`/`POST /v1.0/triggers/http/{triggerId}`: fires the trigger's flow and waits for the run;
 * the body is the final output only, the run's metadata is in `x-` headers. Every call is
 * recorded in request history, except those refused by the rate limit. Calls to a `Public`
 * flow's trigger are rate-limited per trigger and per tenant, and every trigger body is capped
 * by `rest.maxTriggerBodyBytes`; both are checked before the body is read.
 */
export const triggerRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const { runs } = context;
  const { maxTriggerBodyBytes } = context.settings.rest;
  const rateLimit = new PublicTriggerRateLimit(context.settings.rest);
  // A trigger's body is the flow's input as sent, whatever its type: keep it as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  recordRequestHistory(app, context);

  // After authentication, before the body is read: a refused call costs neither the reading of
  // its body nor a run.
  app.addHook('onRequest', async (request) => {
    const params = TriggerParams.safeParse(request.params);
    if (!params.success) return;
    const target = await runs.definitions.triggerTarget(params.data.triggerId);
    if (target?.flow?.invocationAuthMode === 'Public') {
      const refusal = rateLimit.admit(target.trigger.id, target.trigger.tenantId);
      if (refusal) throw TriggerLimitErrors.tooManyCalls(refusal);
    }
  });

  const fire = async (request: FastifyRequest, reply: FastifyReply) => {
    const { triggerId } = TriggerParams.parse(request.params);
    // Looked up again, not taken from the limits' look-up: the body may have taken the caller
    // minutes to send, and an edit made meanwhile (deactivation, authentication) must count.
    const target = await runs.definitions.triggerTarget(triggerId);
    if (!target) throw CommonErrors.notFound('Trigger', triggerId);
    const { trigger, flow } = target;
    const allowed = allowedTriggerMethods(trigger.configuration);
    if (!(allowed as string[]).includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      throw new TempoError('MethodNotAllowed', 405, `Trigger ${triggerId} accepts ${allowed.join(', ')}.`, {
        allowed,
      });
    }
    if (!trigger.active) throw new TempoError('Inactive', 409, `Trigger ${triggerId} is inactive.`);
    if (!trigger.dataFlowId) throw new TempoError('NoFlow', 409, `Trigger ${triggerId} has no flow to run.`);
    if (!flow) throw CommonErrors.notFound('DataFlow', trigger.dataFlowId);
    const { principal } = request;
    if (flow.invocationAuthMode === 'ApiAuthenticated') {
      if (principal.kind === 'anonymous') throw CommonErrors.unauthorized();
      const permitted =
        canActOnTenant(principal, trigger.tenantId) &&
        (await context.authorizer.permits(principal, trigger.tenantId, 'Trigger', 'Execute'));
      if (!permitted) throw CommonErrors.forbidden();
    }
    if (!flow.active) throw new TempoError('Inactive', 409, `Flow ${flow.id} is inactive.`);
    const body =
      request.method === 'POST' && typeof request.body === 'string' && request.body !== ''
        ? request.body
        : null;
    refuseBrokenJson(body, request.headers['content-type']);
    const started = await runs.start(flow, body, {
      triggerId,
      triggeredByUserId: principal.kind === 'user' ? principal.userId : null,
      sourceIp: request.ip,
    });
    const run = await runs.endOf(started, waitBudgetMs(flow));
    if (!run) throw CommonErrors.notFound('FlowRun', started.runId);
    const status = statusOf(run);
    reply.code(status).headers(runHeaders(run, triggerId)).type('application/json');
    // A failed run's output, when it has one, stays the body as v0.3.0 answers it.
    if (status === 500 && !run.outputData) throw TriggerRunErrors.ended(run);
    return reply.send(run.outputData ?? '');
  };

  const schema = {
    tags: ['Triggers'],
    summary: 'Fire an HTTP trigger and wait for its run',
    description:
      "A POST body is the flow's input as sent; a body sent as application/json (or +json) that is not valid JSON is refused with 400, any other body reaches the flow as text. The body is the final output only; run metadata is in the x- headers. 200 succeeded, 202 still running after the wait, 409 cancelled, 500 failed: a failed run without output answers the error body (RunFailed or RunException, the run's error message, context.runId).",
    params: TriggerParams,
  };
  app.get('/v1.0/triggers/http/:triggerId', { schema, bodyLimit: maxTriggerBodyBytes }, fire);
  app.post('/v1.0/triggers/http/:triggerId', { schema, bodyLimit: maxTriggerBodyBytes }, fire);
};
