import fc from 'fast-check';
import {
  deepBody,
  garbageContentType,
  garbageHeaders,
  garbageQuery,
  garbageSegment,
  headerText,
  hugeBody,
  isOpen,
  malformedBody,
  mutated,
  type RepeatedBody,
  validQuery,
  validSegment,
  weighted,
} from './fuzz-values.ts';
import { arbitraryOf, type SchemaHints } from './json-schema-arbitrary.ts';
import { type DocumentedOperation, jsonBodySchemaOf, operationKey } from './openapi-shape.ts';

/** One generated request, exactly as it goes on the wire. */
export interface FuzzRequest {
  /** The operation it aims at (`POST /v1.0/tenants`), or what else it probes. */
  readonly target: string;
  /** Which part was made wrong (`body`, `path`, ...), `none`, or `all`. */
  readonly broken: string;
  readonly method: string;
  /** Path and query, already encoded (or deliberately mis-encoded). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | RepeatedBody | null;
}

/** What exists on the server under fuzz, so requests also reach the handlers behind the lookups. */
export interface FuzzTargets {
  readonly adminApiKey: string;
  /** A tenant user's credential access key. */
  readonly accessKey: string;
  readonly emails: readonly string[];
  /** Ids of existing records by the path segment that lists them (`users`, `flows`, `runtimes`, ...). */
  readonly ids: Readonly<Record<string, readonly string[]>>;
  /** Ids the fuzz may read but never changes or deletes, so every request meets the same fixture. */
  readonly frozen: ReadonlySet<string>;
}

/**
 * Which part of a request is made wrong. Most requests break one part and keep the rest valid,
 * so each mistake reaches the code behind the checks the other parts would fail first; bodies are
 * broken mostly where the operation reads one.
 */
const brokenPart = (takesBody: boolean) =>
  fc.oneof(
    weighted(fc.constant('none'), 18),
    weighted(fc.constant('body'), takesBody ? 30 : 4),
    weighted(fc.constant('path'), 12),
    weighted(fc.constant('query'), 8),
    weighted(fc.constant('auth'), 12),
    weighted(fc.constant('headers'), 5),
    weighted(fc.constant('contentType'), takesBody ? 6 : 2),
    weighted(fc.constant('method'), 3),
    weighted(fc.constant('all'), 10),
  );

/** Whether the operation reads a body: it has a schema for one, or takes any (a POST without). */
const takesBody = (operation: DocumentedOperation): boolean =>
  jsonBodySchemaOf(operation.operation) !== undefined || operation.method === 'POST';

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

const PARAMETER_POOLS: Readonly<Record<string, string>> = {
  tenantId: 'tenants',
  userId: 'users',
  roleId: 'roles',
  triggerId: 'triggers',
  runtimeKey: 'runtimes',
};

/** The known ids a path parameter takes: by its name, else by the collection segment before it. */
const poolOf = (
  targets: FuzzTargets,
  segments: readonly string[],
  index: number,
  method: string,
): string[] => {
  const name = segments[index]?.slice(1, -1) ?? '';
  const pool = targets.ids[PARAMETER_POOLS[name] ?? segments[index - 1] ?? ''] ?? [];
  // The last id of a PUT or DELETE names the record it changes; frozen records stay as they are.
  const changes = (method === 'PUT' || method === 'DELETE') && index === segments.length - 1;
  return changes ? pool.filter((id) => !targets.frozen.has(id)) : [...pool];
};

const validAuth = (targets: FuzzTargets): fc.Arbitrary<Record<string, string>> =>
  fc.oneof(
    weighted(fc.constant({ 'x-api-key': targets.adminApiKey }), 3),
    weighted(fc.constant({ 'x-access-key': targets.accessKey }), 1),
  );

/** No credentials, wrong ones, or several at once; valid ones only beside refused headers. */
const garbageAuth = (targets: FuzzTargets): fc.Arbitrary<Record<string, string>> => {
  const garbage = headerText(60);
  const email = fc.oneof(fc.constantFrom(...targets.emails), garbage);
  return fc.oneof(
    weighted(fc.constant({}), 6),
    weighted(
      garbage.map((value) => ({ authorization: `Bearer ${value}` })),
      3,
    ),
    weighted(
      fc
        .constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46cGFzc3dvcmQ=', `Bearer ${'a'.repeat(8_000)}`)
        .map((authorization) => ({ authorization })),
      2,
    ),
    weighted(fc.constant({ authorization: `Bearer ${targets.accessKey}` }), 1),
    weighted(
      garbage.map((value) => ({ 'x-api-key': value })),
      2,
    ),
    weighted(
      garbage.map((value) => ({ 'x-access-key': `pub_${value}` })),
      2,
    ),
    weighted(
      garbage.map((value) => ({ 'x-token': value })),
      2,
    ),
    weighted(fc.record({ 'x-email': email, 'x-password': garbage }), 2),
    weighted(fc.record({ 'x-email': email, 'x-password': garbage, 'x-tenant-id': garbage }), 1),
    weighted(
      garbage.map((value) => ({ 'x-secret-key': value, 'x-api-key': targets.adminApiKey })),
      1,
    ),
    weighted(
      fc.record({
        'x-api-key': fc.constant(targets.adminApiKey),
        'x-access-key': garbage,
        authorization: garbage,
      }),
      1,
    ),
  );
};

type Body = string | RepeatedBody | null;
const asJson = (arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<Body> =>
  arbitrary.map((value) => JSON.stringify(value) ?? 'null');

/** A body the operation accepts: from its schema, or, without one, none or any JSON. */
const validBody = (operation: DocumentedOperation, hints: SchemaHints): fc.Arbitrary<Body> => {
  const schema = jsonBodySchemaOf(operation.operation);
  if (schema) return asJson(arbitraryOf(schema, hints));
  return operation.method === 'POST'
    ? fc.oneof(fc.constant(null), asJson(fc.jsonValue({ maxDepth: 3 })))
    : fc.constant(null);
};

const garbageBody = (operation: DocumentedOperation, hints: SchemaHints): fc.Arbitrary<Body> => {
  const schema = jsonBodySchemaOf(operation.operation);
  const properties = Object.entries(schema?.properties ?? {});
  const open = properties.filter(([, property]) => isOpen(property)).map(([name]) => name);
  // Nesting gets past validation only in fields that take any JSON, or in bodies without a schema.
  const nestable: (string | null)[] = !schema
    ? [null]
    : open.length > 0
      ? open
      : properties.map(([name]) => name);
  return fc.oneof(
    weighted(asJson(mutated(schema ? arbitraryOf(schema, hints) : fc.jsonValue({ maxDepth: 2 }))), 6),
    weighted(asJson(fc.jsonValue({ maxDepth: 4, stringUnit: 'grapheme' })), 4),
    weighted(malformedBody, 4),
    weighted(
      deepBody(nestable.length > 0 ? nestable : [null]),
      open.length > 0 || (!schema && takesBody(operation)) ? 5 : 1,
    ),
    weighted(hugeBody(properties.map(([name]) => name)), 1),
    weighted(fc.constant(null), 1),
  );
};

/** Requests aimed at one documented operation. */
const requestsFor = (
  operation: DocumentedOperation,
  targets: FuzzTargets,
  hints: SchemaHints,
): fc.Arbitrary<FuzzRequest> => {
  const segments = operation.path.split('/');
  const queryNames = (operation.operation.parameters ?? [])
    .filter((p) => p.in === 'query')
    .map((p) => p.name);
  return fc
    .tuple(brokenPart(takesBody(operation)), fc.constantFrom(...OTHER_METHODS))
    .chain(([broken, otherMethod]) => {
      const wrong = (part: string) => broken === part || broken === 'all';
      const method = wrong('method') ? otherMethod : operation.method;
      const path = segments.map((segment, index) => {
        if (!segment.startsWith('{')) return fc.constant(segment);
        const valid = validSegment(poolOf(targets, segments, index, method));
        return wrong('path') ? fc.oneof(weighted(garbageSegment, 2), weighted(valid, 1)) : valid;
      });
      return fc.record({
        path: fc.tuple(...path).map((parts) => parts.join('/')),
        query: wrong('query') ? garbageQuery(queryNames) : validQuery,
        body: wrong('body') ? garbageBody(operation, hints) : validBody(operation, hints),
        auth: wrong('auth') ? garbageAuth(targets) : validAuth(targets),
        extra: wrong('headers') ? garbageHeaders : fc.constant({}),
        contentType: wrong('contentType') ? garbageContentType : fc.constant('application/json'),
        method: fc.constant(method),
        broken: fc.constant(broken),
      });
    })
    .map(({ path, query, body, auth, extra, contentType, method, broken }) => ({
      target: operationKey(operation.method, operation.path),
      broken,
      method,
      path: `${path}${query}`,
      headers: {
        ...extra,
        ...auth,
        ...(contentType !== null && body !== null ? { 'content-type': contentType } : {}),
      },
      // A body on GET goes out (fetch could not send one); repeated ones would only cost time.
      body: method === 'GET' && typeof body !== 'string' ? null : body,
    }));
};

/** Requests outside the documented operations: the hidden routes and paths nothing serves. */
const strayRequests = (targets: FuzzTargets): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({
      path: fc.oneof(
        fc.constantFrom(
          '/openapi.json',
          '/explorer',
          '/explorer/',
          '/explorer/json',
          '/v1.0',
          '/v1.0/',
          '/v2.0/tenants',
          '//v1.0//tenants',
        ),
        garbageSegment.map((segment) => `/explorer/static/${segment}`),
        garbageSegment.map((segment) => `/v1.0/${segment}`),
      ),
      method: fc.constantFrom(...OTHER_METHODS, 'FOO'),
      auth: fc.oneof(validAuth(targets), garbageAuth(targets)),
    })
    .map(({ path, method, auth }) => ({
      target: 'undocumented path',
      broken: 'path',
      method,
      path,
      headers: auth,
      body: null,
    }));

/** Every request the fuzz sends: each documented operation equally often, plus stray paths. */
export const fuzzRequests = (
  operations: readonly DocumentedOperation[],
  targets: FuzzTargets,
  hints: SchemaHints,
): fc.Arbitrary<FuzzRequest> =>
  fc.oneof(
    weighted(fc.oneof(...operations.map((operation) => requestsFor(operation, targets, hints))), 30),
    weighted(strayRequests(targets), 1),
  );
