import { z } from 'zod';

/** Outcome names of an authentication attempt. */
export const AuthenticationResult = z.enum(['Success', 'NotFound', 'Inactive', 'Invalid']);
export type AuthenticationResult = z.infer<typeof AuthenticationResult>;

/** `POST /v1.0/token` body: the password may be plain or its SHA-256 hex. */
export const TokenRequest = z.object({
  /** Picks the tenant when the email exists in several; omit for administrators. */
  tenantId: z.string().nullish(),
  email: z.string().trim().min(1, 'email required').max(255),
  password: z.string().min(1, 'password required').max(1024),
});
export type TokenRequest = z.infer<typeof TokenRequest>;

/** `POST /v1.0/token` answer. */
export const TokenResponse = z.object({
  /** Opaque bearer token; send as `Authorization: Bearer` or `x-token`. */
  token: z.string(),
  expiresUtc: z.string(),
  tenantId: z.string().nullable(),
  userId: z.string().nullable(),
  administratorId: z.string().nullable(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** `GET /v1.0/token` answer. */
export const TokenValidityResponse = z.object({
  valid: z.boolean(),
  authenticationResult: AuthenticationResult,
});
export type TokenValidityResponse = z.infer<typeof TokenValidityResponse>;

/** `GET /v1.0/token/details` answer: who the credentials belong to. */
export const TokenDetailsResponse = z.object({
  tenantId: z.string().nullable(),
  userId: z.string().nullable(),
  administratorId: z.string().nullable(),
  isAdmin: z.boolean(),
  isTenantAdmin: z.boolean(),
  email: z.string().nullable(),
  principalName: z.string().nullable(),
});
export type TokenDetailsResponse = z.infer<typeof TokenDetailsResponse>;

/** `GET /v1.0/me` answer, by kind of caller. */
export const MeResponse = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('user'),
    id: z.string(),
    email: z.string(),
    tenantId: z.string(),
    isAdmin: z.boolean(),
    isTenantAdmin: z.boolean(),
  }),
  z.object({ type: z.literal('administrator'), id: z.string().nullable(), email: z.string().nullable() }),
  z.object({ type: z.literal('anonymous') }),
]);
export type MeResponse = z.infer<typeof MeResponse>;

/** `GET /v1.0/api/health` answer. */
export const HealthResponse = z.object({ status: z.literal('ok'), time: z.string() });
export type HealthResponse = z.infer<typeof HealthResponse>;

/** `GET /` answer. */
export const ServerInfoResponse = z.object({ name: z.string(), version: z.string() });
export type ServerInfoResponse = z.infer<typeof ServerInfoResponse>;

/** `GET /v1.0/samples/external-rest` answer: the target of the seeded External.Rest sample step. */
export const ExternalRestSampleResponse = z.object({ sample: z.literal('external-rest'), time: z.string() });
export type ExternalRestSampleResponse = z.infer<typeof ExternalRestSampleResponse>;
