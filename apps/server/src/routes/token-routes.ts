import {
  ErrorBody,
  MeResponse,
  TokenDetailsResponse,
  TokenRequest,
  TokenResponse,
  TokenValidityResponse,
} from '@tempo/contracts';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalName } from '../auth/principal.ts';
import type { ServerContext } from '../server-context.ts';
import { issueToken, revokeTokens } from '../services/token-service.ts';

const authenticated = { access: { kind: 'authenticated' } } as const;

/**
 * Sign-in and identity: `POST/GET /v1.0/token`, `POST /v1.0/token/revoke`, `/v1.0/token/details`,
 * `/v1.0/me`.
 */
export const tokenRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1.0/token',
    {
      schema: {
        tags: ['Identity'],
        summary: 'Sign in and get a bearer token',
        description:
          'The password may be sent plain or as its SHA-256 hex. Repeated failures are slowed, then refused with 429.',
        body: TokenRequest,
        response: { 200: TokenResponse, 401: ErrorBody, 429: ErrorBody },
      },
      // Requests per address; failed sign-ins per address and per account are the limiter's.
      // request.ip is the socket's address unless the socket is a proxy in rest.trustedProxies.
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (request) => issueToken(context, request.ip, request.body),
  );

  r.get(
    '/v1.0/token',
    {
      schema: {
        tags: ['Identity'],
        summary: 'Check the credentials of this request',
        description:
          'Answers valid=false with the reason instead of 401 when the credentials are missing or wrong.',
        response: { 200: TokenValidityResponse },
      },
    },
    async (request) => {
      const { principal } = request;
      return principal.kind === 'anonymous'
        ? { valid: false, authenticationResult: principal.result ?? 'NotFound' }
        : { valid: true, authenticationResult: 'Success' as const };
    },
  );

  r.post(
    '/v1.0/token/revoke',
    {
      schema: {
        tags: ['Identity'],
        summary: 'Sign out everywhere: revoke every token of the caller',
        description:
          "Every token issued to the caller's user or administrator answers 401 from now on, the one sent included. Changing a password or deactivating an account does the same. The admin API key has no tokens (400).",
        response: { 204: z.null(), 400: ErrorBody, 401: ErrorBody },
      },
      config: authenticated,
    },
    async (request, reply) => {
      await revokeTokens(context, request.principal);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/v1.0/token/details',
    {
      schema: {
        tags: ['Identity'],
        summary: 'Who the credentials belong to',
        response: { 200: TokenDetailsResponse, 401: ErrorBody },
      },
      config: authenticated,
    },
    async (request) => {
      const { principal } = request;
      const name = principalName(principal);
      switch (principal.kind) {
        case 'user':
          return {
            tenantId: principal.tenantId,
            userId: principal.userId,
            administratorId: null,
            isAdmin: principal.isAdmin,
            isTenantAdmin: principal.isTenantAdmin,
            email: principal.email,
            principalName: name,
          };
        case 'administrator':
          return {
            tenantId: null,
            userId: null,
            administratorId: principal.administratorId,
            isAdmin: true,
            isTenantAdmin: false,
            email: principal.email,
            principalName: name,
          };
        case 'anonymous':
          return {
            tenantId: null,
            userId: null,
            administratorId: null,
            isAdmin: false,
            isTenantAdmin: false,
            email: null,
            principalName: null,
          };
      }
    },
  );

  r.get(
    '/v1.0/me',
    {
      schema: {
        tags: ['Identity'],
        summary: 'The caller (anonymous when no credentials are sent)',
        response: { 200: MeResponse },
      },
    },
    async (request) => {
      const { principal } = request;
      switch (principal.kind) {
        case 'user':
          return {
            type: 'user' as const,
            id: principal.userId,
            email: principal.email,
            tenantId: principal.tenantId,
            isAdmin: principal.isAdmin,
            isTenantAdmin: principal.isTenantAdmin,
          };
        case 'administrator':
          return { type: 'administrator' as const, id: principal.administratorId, email: principal.email };
        case 'anonymous':
          return { type: 'anonymous' as const };
      }
    },
  );
};
