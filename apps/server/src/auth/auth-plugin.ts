import { CommonErrors } from '@tempo/contracts';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Authenticator } from './authenticator.ts';
import type { AccessRule, Authorizer } from './authorizer.ts';
import { anonymous, type Principal } from './principal.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; routes without a rule are public. */
    access?: AccessRule;
  }
  interface FastifyRequest {
    /** The authenticated caller (anonymous when none). */
    principal: Principal;
  }
}

/** Options of {@link authPlugin}. */
export interface AuthPluginOptions {
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
}

/**
 * Authenticates every request before validation (so a missing credential is a 401 even when the
 * body is also bad) and enforces each route's {@link AccessRule} after validation (403), as the
 * spec orders the checks: 401, 400, 403, then 404 and 409 in the handlers.
 */
const anonymousCaller: Principal = anonymous();

const plugin: FastifyPluginAsync<AuthPluginOptions> = async (app, { authenticator, authorizer }) => {
  // Fastify refuses object values as request decorations; a getter over a per-request map keeps
  // every request anonymous until its hook has run.
  const principals = new WeakMap<object, Principal>();
  app.decorateRequest('principal', {
    getter(this: object) {
      return principals.get(this) ?? anonymousCaller;
    },
  });
  app.addHook('onRequest', async (request) => {
    principals.set(request, await authenticator.authenticate(request.headers, request.ip));
    const rule = request.routeOptions.config?.access ?? { kind: 'public' };
    if (rule.kind !== 'public' && request.principal.kind === 'anonymous') throw CommonErrors.unauthorized();
  });
  app.addHook('preHandler', async (request) => {
    const rule = request.routeOptions.config?.access;
    if (rule)
      await authorizer.enforce(rule, request.principal, (request.params ?? {}) as Record<string, unknown>);
  });
};

/** The authentication and authorization hooks, shared by every route. */
export const authPlugin = fp(plugin, { name: 'tempo-auth' });
