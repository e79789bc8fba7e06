import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onResponseAsyncHookHandler,
  onSendAsyncHookHandler,
  preHandlerAsyncHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import type { ServerContext } from '../server-context.ts';
import { AUDITED_ROUTES, type AuditedRoute } from './audit-actions.ts';
import { type AuditRecorder, actorOf } from './audit-recorder.ts';
import { auditRoutes } from './audit-routes.ts';

type Params = Readonly<Record<string, string | undefined>>;

/** The state a route's `before` loaded and the answer body, per request. */
const befores = new WeakMap<FastifyRequest, Record<string, unknown> | null>();
const answers = new WeakMap<FastifyRequest, unknown>();

const paramsOf = (request: FastifyRequest): Params => (request.params ?? {}) as Params;

const parsedAnswer = (payload: unknown): unknown => {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return undefined;
  try {
    return JSON.parse(payload.toString()) as unknown;
  } catch {
    return undefined;
  }
};

const idOf = (value: unknown): string | null => {
  const id = value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
};

/**
 * The tenant an event belongs to. A success belongs to the tenant acted on. A refusal belongs to
 * the caller's own tenant, never to the one it aimed at: a tenant's administrators are not shown
 * who elsewhere probed their ids, and nobody can write rows into a tenant they cannot reach.
 */
const tenantOf = (
  route: AuditedRoute,
  request: FastifyRequest,
  targetId: string | null,
  denied: boolean,
): string | null => {
  const { principal } = request;
  // The caller's own tenant: a refusal, or an act on the caller itself (signing out).
  if (denied || route.target === 'caller') return principal.kind === 'user' ? principal.tenantId : null;
  if (route.targetIsTenant) return targetId;
  return paramsOf(request).tenantId ?? null;
};

const targetIdOf = (route: AuditedRoute, request: FastifyRequest): string | null => {
  switch (route.target) {
    case 'path':
      return paramsOf(request)[route.targetParam ?? 'id'] ?? null;
    case 'created':
      return idOf(answers.get(request));
    case 'caller':
      return actorOf(request.principal).id;
    case 'none':
      return null;
  }
};

/** Records the event of one answered request of an audited route: 2xx as done, 403 as refused. */
const recordAnswered = (
  audit: AuditRecorder,
  route: AuditedRoute,
  request: FastifyRequest,
  reply: FastifyReply,
): void => {
  const status = reply.statusCode;
  const denied = status === 403;
  if (!denied && (status < 200 || status >= 300)) return;
  const targetId = targetIdOf(route, request);
  const detail =
    !denied && route.detail
      ? route.detail({
          params: paramsOf(request),
          query: (request.query ?? {}) as Readonly<Record<string, unknown>>,
          body: request.body,
          answer: answers.get(request),
          before: befores.get(request) ?? undefined,
        })
      : {};
  audit.record({
    tenantId: tenantOf(route, request, targetId, denied),
    actor: actorOf(request.principal),
    sourceIp: request.ip,
    action: route.action,
    targetType: route.targetType,
    targetId,
    outcome: denied ? 'Denied' : 'Succeeded',
    statusCode: status,
    detail,
  });
};

const asList = <H>(hooks: H | readonly H[] | undefined): H[] =>
  hooks === undefined ? [] : Array.isArray(hooks) ? [...hooks] : [hooks as H];

/**
 * Adds the audit hooks to one audited route, as route hooks: every other route (an HTTP trigger
 * above all) runs no audit code at all.
 */
const instrument = (routeOptions: RouteOptions, route: AuditedRoute, context: ServerContext): void => {
  const { audit, repositories } = context;
  const load = route.before;
  if (load) {
    const before: preHandlerAsyncHookHandler = async (request) => {
      try {
        befores.set(request, await load(repositories, paramsOf(request)));
      } catch (error) {
        // The event loses its comparison; the request must not fail for it.
        request.log.error({ err: error }, 'audit: state before the change not read');
      }
    };
    routeOptions.preHandler = [...asList(routeOptions.preHandler), before];
  }
  if (route.readsAnswer) {
    const keep: onSendAsyncHookHandler = async (request, reply, payload) => {
      if (reply.statusCode >= 200 && reply.statusCode < 300) answers.set(request, parsedAnswer(payload));
      return payload;
    };
    routeOptions.onSend = [...asList(routeOptions.onSend), keep];
  }
  const done: onResponseAsyncHookHandler = async (request, reply) => {
    try {
      recordAnswered(audit, route, request, reply);
    } catch (error) {
      request.log.error({ err: error, action: route.action }, 'audit event not recorded');
    }
  };
  routeOptions.onResponse = [...asList(routeOptions.onResponse), done];
};

const plugin: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  app.addHook('onRoute', (routeOptions) => {
    for (const method of [routeOptions.method].flat()) {
      const route = AUDITED_ROUTES[`${method} ${routeOptions.url}`];
      if (route) instrument(routeOptions, route, context);
    }
  });
  // Only a server that serves sweeps; building the app for its OpenAPI document does not.
  app.addHook('onListen', async () => context.audit.startSweeping());
  // Before the database closes: the sweep stops and the writes in flight land.
  app.addHook('onClose', async () => context.audit.stop());
  await app.register(auditRoutes, { context });
};

/**
 * The audit log: hooks on the audited routes (registered before every other route plugin, so
 * its `onRoute` hook sees them all), the retention sweep, and the read routes.
 */
export const auditPlugin = fp(plugin, { name: 'tempo-audit' });
