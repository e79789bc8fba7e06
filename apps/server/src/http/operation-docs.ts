import { ErrorBody, TRIGGER_RESPONSE_HEADERS } from '@tempo/contracts';
import type { RouteOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { AccessRule } from '../auth/authorizer.ts';

/** The swagger transform's argument and answer, as far as this module reads them. */
type TransformInput = Parameters<typeof jsonSchemaTransform>[0];
type TransformOutput = ReturnType<typeof jsonSchemaTransform>;
type JsonObject = Record<string, unknown>;

/** `METHOD /path` with the path in OpenAPI form (`{id}`), the key of the operation-id table. */
export const operationKeyOf = (route: Pick<RouteOptions, 'method' | 'url'>): string => {
  const method = Array.isArray(route.method) ? route.method.join(',') : String(route.method);
  const path = route.url.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, '{$1}');
  return `${method.toUpperCase()} ${path}`;
};

/** What every error status of the API means, as each response says it. */
const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'The request is malformed or fails validation (`BadRequest`, `context.issues` lists the problems), or sends the unsupported x-secret-key header (`UnsupportedAuthHeader`).',
  401: 'No valid credentials were sent (`Unauthorized`).',
  403: 'The credentials are valid but may not do this here (`Forbidden`).',
  404: 'A record named in the path does not exist, or not in this tenant (`NotFound`).',
  405: 'The trigger does not accept this HTTP method; the `allow` header lists those it does (`MethodNotAllowed`).',
  409: 'The request conflicts with the current state: a protected or still-referenced record, a duplicate, or a state that does not allow it (`Protected`, `InUse`, `Conflict`, ...).',
  413: 'The body is larger than this route accepts (`PayloadTooLarge`); `context.limitBytes` names the limit.',
  415: 'The body has a content type this route does not accept (`UnsupportedMediaType`).',
  429: 'Too many requests, or too many failed sign-ins from this address or for this account (`TooManyRequests`); retry after the `retry-after` header.',
  500: 'An unexpected failure, logged on the server with the request id (`InternalError`).',
};

/** What a success status means when the route says nothing more. */
const SUCCESS_DESCRIPTIONS: Readonly<Record<number, string>> = {
  200: 'Success.',
  201: 'Created: the record as stored.',
  202: 'Accepted: the work goes on after this answer.',
  204: 'Done; the answer has no body.',
};

const RETRY_AFTER = {
  'retry-after': { type: 'integer', minimum: 0, description: 'Seconds to wait before trying again.' },
} as const;

/** The run headers of a trigger answer (the body is the flow's output, never run metadata). */
const TRIGGER_HEADERS: JsonObject = Object.fromEntries(
  TRIGGER_RESPONSE_HEADERS.map((name) => [
    name,
    { type: 'string', description: `Run metadata (${name.slice(2)}); left out when empty.` },
  ]),
);

/** What a route answers beyond its schemas, keyed by operation id. */
const EXTRA_RESPONSES: Readonly<Record<string, Readonly<Record<string, JsonObject>>>> = {
  downloadLogFile: {
    200: {
      description: 'The whole log file as text; `content-disposition` names the file.',
      content: { 'text/plain': { schema: { type: 'string' } } },
    },
  },
  downloadRunLog: {
    200: {
      description: 'The whole run log file as text; `content-disposition` names the file.',
      content: { 'text/plain': { schema: { type: 'string' } } },
    },
  },
  downloadWorkerArtifact: {
    200: {
      description: 'The package bytes; `x-tempo-sha256` is their hash.',
      content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } },
    },
  },
  downloadArtifactVersion: {
    200: {
      description:
        'The package bytes, as uploaded; `content-disposition` names the file and `x-tempo-sha256` is its hash.',
      content: {
        'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/zip' } },
      },
    },
  },
};

/** Raw request bodies no zod schema describes, keyed by operation id (documentation only). */
const RAW_BODIES: Readonly<Record<string, JsonObject>> = {
  uploadArtifactVersion: {
    consumes: ['application/zip', 'application/octet-stream', 'application/x-zip-compressed'],
    body: { type: 'string', contentMediaType: 'application/zip', description: 'The package: zip bytes.' },
  },
};

/** The answers of an HTTP trigger call, which the route leaves to the flow and its run. */
const TRIGGER_RESPONSES: Readonly<Record<string, JsonObject>> = {
  200: {
    description: "The run succeeded: the body is the final step's output.",
    headers: TRIGGER_HEADERS,
    content: { 'application/json': { schema: {} } },
  },
  202: {
    description: 'The run is still going after the wait; the headers name it (x-run-id) for a later read.',
    headers: TRIGGER_HEADERS,
    content: { 'application/json': { schema: {} } },
  },
  409: {
    description:
      'The trigger or its flow is inactive or has no flow (`Inactive`, `NoFlow`), or the run was cancelled (its output, if any, as the body).',
    headers: TRIGGER_HEADERS,
    content: { 'application/json': { schema: {} } },
  },
  500: {
    description:
      "The run failed: its output when it has one, else the error body (`RunFailed` or `RunException`, the run's message, context.runId).",
    headers: TRIGGER_HEADERS,
    content: { 'application/json': { schema: {} } },
  },
};

const TRIGGER_OPERATIONS = new Set(['fireHttpTrigger', 'fireHttpTriggerByGet']);

/** The error statuses a route can answer, from its access rule, parameters and method. */
const errorStatusesOf = (route: RouteOptions, access: AccessRule, operationId: string): number[] => {
  const method = String(route.method).toUpperCase();
  const takesBody = method === 'POST' || method === 'PUT';
  const secured = access.kind !== 'public';
  const statuses = [400];
  // Triggers are public routes whose flow may demand credentials and an Execute permission.
  const trigger = TRIGGER_OPERATIONS.has(operationId);
  if (secured || trigger) statuses.push(401);
  if (access.kind === 'admin' || access.kind === 'tenant' || trigger) statuses.push(403);
  if (route.url.includes(':')) statuses.push(404);
  if (trigger) statuses.push(405);
  if (secured && (method === 'PUT' || method === 'DELETE' || (method === 'POST' && route.schema?.body)))
    statuses.push(409);
  if (takesBody || trigger) statuses.push(413, 415);
  // Signing in with x-email/x-password goes through the sign-in throttle on every secured route.
  if (secured || trigger || route.config?.rateLimit) statuses.push(429);
  return statuses;
};

/** A description for a status the route declared without one. */
const describeStatus = (status: number): string =>
  SUCCESS_DESCRIPTIONS[status] ?? ERROR_DESCRIPTIONS[status] ?? `HTTP ${status}.`;

/**
 * One response as @fastify/swagger reads it: a JSON schema becomes `application/json` content,
 * with a description; an answer without a body (`type: 'null'`) keeps only the description.
 */
const described = (status: number, response: unknown): JsonObject => {
  const value = (typeof response === 'object' && response !== null ? response : {}) as JsonObject;
  const extra: JsonObject = status === 429 ? { headers: { ...RETRY_AFTER } } : {};
  if ('content' in value) return { description: describeStatus(status), ...extra, ...value };
  if (value.type === 'null') return { ...value, description: describeStatus(status), ...extra };
  return {
    description: describeStatus(status),
    ...extra,
    content: { 'application/json': { schema: value } },
  };
};

/** What the access rule demands, said in words at the end of the description. */
const accessSentence = (access: AccessRule): string | null => {
  switch (access.kind) {
    case 'public':
      return null;
    case 'authenticated':
      return 'Access: any valid credentials.';
    case 'admin':
      return 'Access: global administrators only.';
    case 'tenant':
      return `Access: ${access.operation} on ${access.resource} in the tenant (through the caller's roles; tenant and global administrators always).`;
  }
};

/**
 * The per-route transform: zod schemas to JSON schema, then the operation's security from its
 * access rule, the error answers it can give (each with the one error body), descriptions of
 * every response, and the access rule in words. Routes declare only what is particular to them.
 */
export const describeOperation =
  (authenticated: readonly Readonly<Record<string, readonly string[]>>[]) =>
  (input: TransformInput): TransformOutput => {
    const { schema, route } = input;
    if (!schema || schema.hide) return jsonSchemaTransform(input);
    const access: AccessRule = route.config?.access ?? { kind: 'public' };
    const operationId = typeof schema.operationId === 'string' ? schema.operationId : '';
    const declared = (schema.response ?? {}) as JsonObject;
    const errors = Object.fromEntries(
      errorStatusesOf(route, access, operationId).map((status) => [status, ErrorBody] as const),
    );
    const { schema: converted, url } = jsonSchemaTransform({
      ...input,
      schema: { ...schema, response: { ...errors, ...declared } },
    });
    const responses = Object.entries((converted.response ?? {}) as JsonObject).map(
      ([status, response]) => [status, described(Number(status), response)] as const,
    );
    const special = TRIGGER_OPERATIONS.has(operationId) ? TRIGGER_RESPONSES : EXTRA_RESPONSES[operationId];
    const sentence = accessSentence(access);
    const description = [typeof schema.description === 'string' ? schema.description : '', sentence ?? '']
      .filter(Boolean)
      .join('\n\n');
    return {
      url,
      schema: {
        ...converted,
        ...RAW_BODIES[operationId],
        ...(description ? { description } : {}),
        security: access.kind === 'public' ? [] : authenticated,
        response: { ...Object.fromEntries(responses), ...special },
      },
    };
  };
