import { Validator } from '@seriousme/openapi-schema-validator';
import { RuntimeKey } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument } from '../src/index.ts';
import {
  type DocumentedOperation,
  fetchOpenApiDocument,
  JsonSchema,
  OpenApiDocument,
  operationKey,
  operationsOf,
  toOpenApiPath,
} from './openapi-shape.ts';
import { captureRoutes } from './route-capture.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

/**
 * Operations any caller may use: the spec's pre-auth routes (§1), the two that answer anonymous
 * callers instead of refusing them (§1.2), HTTP triggers, whose flow decides (§14.1), and the
 * loopback target of the seeded REST sample.
 */
const PUBLIC_OPERATIONS: ReadonlySet<string> = new Set([
  'GET /',
  'GET /v1.0/api/health',
  'POST /v1.0/token',
  'GET /v1.0/token',
  'GET /v1.0/me',
  'GET /v1.0/triggers/http/{triggerId}',
  'POST /v1.0/triggers/http/{triggerId}',
  'GET /v1.0/samples/external-rest',
  'GET /v1.0/workers/artifacts/{tenantId}/blobs/{sha256}/download',
]);

/** Public to user credentials, but a worker's own token is checked: anonymous callers get 401. */
const WORKER_AUTHENTICATED: ReadonlySet<string> = new Set([
  'GET /v1.0/workers/artifacts/{tenantId}/blobs/{sha256}/download',
]);

/** The alternatives of a secured operation: each credential alone, or the email and password pair. */
const EVERY_WAY_IN = [
  { bearer: [] },
  { token: [] },
  { apiKey: [] },
  { accessKey: [] },
  { email: [], password: [] },
];

/** Routes the document leaves out on purpose: itself, the explorer, and methods Fastify and CORS add. */
const isHiddenRoute = (method: string, url: string): boolean =>
  method === 'HEAD' || method === 'OPTIONS' || url === '/openapi.json' || url.startsWith('/explorer');

let server: ServerProcess;
let raw: Record<string, unknown>;
let document: OpenApiDocument;
let operations: DocumentedOperation[];

beforeAll(async () => {
  server = await startServerProcess({ logging: { consoleLogging: false } });
  ({ raw, document } = await fetchOpenApiDocument(server.baseUrl));
  operations = operationsOf(document);
});

afterAll(async () => {
  await server?.stop();
});

/** Keywords that constrain a value; a schema with none of them accepts any JSON. */
const SHAPING_KEYWORDS = 'type $ref enum const properties items anyOf oneOf allOf not'.split(' ');

/** One response as served, as far as these checks read it. */
const ResponseShape = z.looseObject({
  description: z.string().optional(),
  headers: z.record(z.string(), z.unknown()).optional(),
  content: z.record(z.string(), z.looseObject({ schema: JsonSchema.optional() })).optional(),
});

const Schemas = z.looseObject({
  components: z.looseObject({ schemas: z.record(z.string(), JsonSchema) }),
});

const TopLevel = z.looseObject({
  servers: z.array(z.looseObject({ url: z.string() })),
  info: z.looseObject({ license: z.looseObject({ url: z.string() }) }),
  tags: z.array(z.looseObject({ name: z.string(), description: z.string().optional() })),
});

/** The responses of one operation as served, references left in place. */
const rawResponsesOf = (method: string, path: string): Record<string, unknown> => {
  const item: unknown = Reflect.get(
    z.looseObject({ paths: z.record(z.string(), z.unknown()) }).parse(raw).paths,
    path,
  );
  const operation: unknown =
    typeof item === 'object' && item !== null ? Reflect.get(item, method.toLowerCase()) : undefined;
  return z.looseObject({ responses: z.record(z.string(), z.unknown()) }).parse(operation).responses;
};

/** Every object of a JSON value with its JSON pointer. */
const objectsOf = (value: unknown, at = ''): { at: string; value: Record<string, unknown> }[] => {
  if (typeof value !== 'object' || value === null) return [];
  const children = Object.entries(value).flatMap(([key, child]) => objectsOf(child, `${at}/${key}`));
  return Array.isArray(value) ? children : [{ at, value: value as Record<string, unknown> }, ...children];
};

/** The schema a local `$ref` points at (`#/components/schemas/X`), or the schema itself. */
const resolve = (schema: JsonSchema): JsonSchema => {
  if (!schema.$ref?.startsWith('#/')) return schema;
  let target: unknown = raw;
  for (const segment of schema.$ref.slice(2).split('/')) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    target = typeof target === 'object' && target !== null ? Reflect.get(target, key) : undefined;
  }
  return resolve(JsonSchema.parse(target));
};

/** The non-null member of a nullable schema (`anyOf: [X, {type: 'null'}]`), or the schema. */
const withoutNull = (schema: JsonSchema): JsonSchema => {
  const members = schema.anyOf?.map(resolve).filter((member) => member.type !== 'null');
  return members?.length === 1 && members[0] && schema.anyOf?.length === 2 ? members[0] : schema;
};

const WithRuntimeConfig = z.looseObject({ properties: z.looseObject({ runtimeConfig: JsonSchema }) });

/** Every `runtimeConfig` property schema in the document, with its JSON pointer. */
const runtimeConfigSchemas = (value: unknown, at = ''): { at: string; schema: JsonSchema }[] => {
  if (typeof value !== 'object' || value === null) return [];
  const own = WithRuntimeConfig.safeParse(value);
  const here = own.success
    ? [{ at: `${at}/properties/runtimeConfig`, schema: own.data.properties.runtimeConfig }]
    : [];
  return [
    ...here,
    ...Object.entries(value).flatMap(([key, child]) => runtimeConfigSchemas(child, `${at}/${key}`)),
  ];
};

/** The single `runtimeKey` value a union member accepts, if it names exactly one. */
const runtimeKeyOf = (member: JsonSchema): unknown => {
  const property = member.properties?.runtimeKey;
  if (!property) return undefined;
  const resolved = resolve(property);
  if (resolved.const !== undefined) return resolved.const;
  return resolved.enum?.length === 1 ? resolved.enum[0] : undefined;
};

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(raw));
    expect(result).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
  });

  it('is checked by a validator that refuses a broken copy', async () => {
    const broken = structuredClone(raw);
    Reflect.set(broken, 'paths', { '/v1.0/me': { get: { responses: 'none' } } });
    const result = await new Validator().validate(broken);
    expect(result.valid).toBe(false);
  });

  it('documents every registered route, and only those', async () => {
    const captured = await captureRoutes(buildOpenApiDocument);
    expect(captured.instances).toBe(1);
    const registered = new Set(
      captured.routes
        .filter((route) => !isHiddenRoute(route.method, route.url))
        .map((route) => operationKey(route.method, toOpenApiPath(route.url))),
    );
    const documented = new Set(operations.map(({ method, path }) => operationKey(method, path)));
    expect(registered.size, 'routes seen while building the app').toBeGreaterThan(0);
    expect(
      [...registered].filter((key) => !documented.has(key)),
      'registered but not documented',
    ).toEqual([]);
    expect(
      [...documented].filter((key) => !registered.has(key)),
      'documented but not registered',
    ).toEqual([]);
  });

  it('gives every operation a summary, tags, and a security requirement unless it is public', () => {
    const schemes = new Set(Object.keys(document.components?.securitySchemes ?? {}));
    const problems = operations.flatMap(({ method, path, operation }) => {
      const key = operationKey(method, path);
      const found: string[] = [];
      if (!operation.summary?.trim()) found.push(`${key}: no summary`);
      if (!operation.tags?.length) found.push(`${key}: no tags`);
      const security = operation.security;
      const optional = (security ?? []).some((requirement) => Object.keys(requirement).length === 0);
      if (PUBLIC_OPERATIONS.has(key)) {
        // Declared, and empty: tools read a missing `security` as "unknown", not "public".
        if (security === undefined || security.length > 0) found.push(`${key}: public but not security: []`);
      } else if (!security || security.length === 0 || optional) {
        found.push(`${key}: no security requirement`);
      } else if (JSON.stringify(security) !== JSON.stringify(EVERY_WAY_IN)) {
        found.push(`${key}: does not offer every way in: ${JSON.stringify(security)}`);
      }
      for (const name of (security ?? []).flatMap((requirement) => Object.keys(requirement))) {
        if (!schemes.has(name)) found.push(`${key}: unknown security scheme ${name}`);
      }
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('documents the security the server enforces on anonymous callers', async () => {
    const mismatches: string[] = [];
    for (const { method, path } of operations) {
      const key = operationKey(method, path);
      const withBody = method === 'POST' || method === 'PUT';
      const answer = await fetch(`${server.baseUrl}${path.replace(/\{[^}]+\}/g, 'x')}`, {
        method,
        ...(withBody ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
      });
      await answer.arrayBuffer();
      const refused = answer.status === 401 && !WORKER_AUTHENTICATED.has(key);
      if (PUBLIC_OPERATIONS.has(key) === refused) {
        mismatches.push(
          `${key}: ${PUBLIC_OPERATIONS.has(key) ? 'public' : 'secured'} but answered ${answer.status}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('models runtimeConfig as one union member per runtime key, discriminated by runtimeKey', () => {
    const found = runtimeConfigSchemas(raw);
    // Step create, update and record carry it at least.
    expect(found.length).toBeGreaterThanOrEqual(3);
    const expected = [...RuntimeKey.options].sort();
    const problems = found.flatMap(({ at, schema }) => {
      const union = withoutNull(resolve(schema));
      const members = (union.oneOf ?? union.anyOf ?? []).map(resolve);
      if (members.length === 0) return [`${at}: neither oneOf nor anyOf`];
      const keys = members.map(runtimeKeyOf);
      const sorted = keys.map(String).sort();
      const out: string[] = [];
      if (JSON.stringify(sorted) !== JSON.stringify(expected)) {
        out.push(
          `${at}: members name ${JSON.stringify(keys)}, expected one each of ${JSON.stringify(expected)}`,
        );
      }
      if (union.oneOf && union.discriminator?.propertyName !== 'runtimeKey') {
        out.push(`${at}: no discriminator on runtimeKey`);
      }
      return out;
    });
    expect(problems).toEqual([]);
  });

  it('describes every response, and the errors each route can answer, with the one error body', () => {
    const problems = operations.flatMap(({ method, path, operation }) => {
      const key = operationKey(method, path);
      const statuses = Object.keys(operation.responses);
      const found: string[] = [];
      if (!statuses.some((status) => status.startsWith('2'))) found.push(`${key}: no 2xx answer`);
      const expected = [
        400,
        ...(PUBLIC_OPERATIONS.has(key) ? [] : [401, 429]),
        ...(path.includes('{') ? [404] : []),
        ...(method === 'POST' || method === 'PUT' ? [413, 415] : []),
      ];
      for (const status of expected) {
        if (!statuses.includes(String(status))) found.push(`${key}: no ${status} answer`);
      }
      for (const [status, response] of Object.entries(rawResponsesOf(method, path))) {
        const { description, content } = ResponseShape.parse(response);
        if (!description?.trim() || description === 'Default Response')
          found.push(`${key} ${status}: no description`);
        const isTriggerOutcome = path.startsWith('/v1.0/triggers/') && (status === '409' || status === '500');
        const errorSchema = content?.['application/json']?.schema;
        if (
          status.startsWith('4') &&
          !isTriggerOutcome &&
          errorSchema?.$ref !== '#/components/schemas/ErrorBody'
        ) {
          found.push(`${key} ${status}: not the ErrorBody schema`);
        }
      }
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('documents what a trigger call answers: the run headers, 405, 413 and 429 too', () => {
    for (const method of ['get', 'post']) {
      const responses = rawResponsesOf(method, '/v1.0/triggers/http/{triggerId}');
      expect(Object.keys(responses).sort()).toEqual(
        ['200', '202', '400', '401', '403', '404', '405', '409', '413', '415', '429', '500'].sort(),
      );
      const succeeded = ResponseShape.parse(responses['200']);
      expect(Object.keys(succeeded.headers ?? {})).toEqual(
        expect.arrayContaining(['x-run-id', 'x-run-state']),
      );
      expect(ResponseShape.parse(responses['429']).headers).toHaveProperty('retry-after');
    }
  });

  it('does not require in an answer a property that may be null, since answers leave nulls out', () => {
    const answer = z
      .object({
        content: z.object({
          'application/json': z.object({ schema: z.object({ required: z.array(z.string()) }) }),
        }),
      })
      .parse(rawResponsesOf('get', '/v1.0/tenants/{tenantId}/steps/{id}')['200']);
    const { required } = answer.content['application/json'].schema;
    expect(required).toContain('id');
    expect(required).not.toContain('description');
  });

  it('describes the raw zip body of a package upload', () => {
    const paths = z.looseObject({ paths: z.record(z.string(), z.unknown()) }).parse(raw).paths;
    const upload = z
      .object({ post: z.object({ requestBody: z.object({ content: z.record(z.string(), z.unknown()) }) }) })
      .parse(paths['/v1.0/tenants/{tenantId}/artifacts/{id}/versions']);
    expect(Object.keys(upload.post.requestBody.content)).toContain('application/zip');
  });

  it('says "any JSON" with one schema, never with an empty anyOf member', () => {
    const open = (value: unknown) =>
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      SHAPING_KEYWORDS.every((keyword) => !(keyword in value));
    const emptyMembers = objectsOf(raw).filter(
      ({ value }) => Array.isArray(value.anyOf) && value.anyOf.some(open),
    );
    expect(emptyMembers.map(({ at }) => at)).toEqual([]);
    const schemas = Schemas.parse(raw).components.schemas;
    expect(z.looseObject({ description: z.string() }).parse(schemas.JsonValue).description).toMatch(
      /any JSON value/i,
    );
    expect(schemas.ErrorBody?.properties?.context?.$ref).toBe('#/components/schemas/JsonValue');
    expect(schemas.ErrorBody?.properties?.details).toMatchObject({ type: 'string' });
  });

  it('names its servers, a license URL, and describes every tag in use', () => {
    const top = TopLevel.parse(raw);
    expect(top.servers.length).toBeGreaterThan(0);
    expect(top.info.license.url).toMatch(/^https:\/\//);
    const described = new Map(top.tags.map((tag) => [tag.name, tag.description ?? '']));
    const used = new Set(operations.flatMap(({ operation }) => operation.tags ?? []));
    expect([...used].filter((tag) => !described.get(tag)?.trim())).toEqual([]);
  });

  it('lets the explorer render every operation: its page, its script and the same document', async () => {
    const page = await fetch(`${server.baseUrl}/explorer/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const answer = await fetch(new URL(script, `${server.baseUrl}/explorer/`));
      expect(answer.status, script).toBe(200);
      await answer.arrayBuffer();
    }
    const initializer = await (
      await fetch(`${server.baseUrl}/explorer/static/swagger-initializer.js`)
    ).text();
    expect(initializer).toContain("resolveUrl('./json')");
    const explored = OpenApiDocument.parse(await (await fetch(`${server.baseUrl}/explorer/json`)).json());
    const shown = operationsOf(explored).map(({ method, path, operation }) => [
      operationKey(method, path),
      operation.operationId,
      operation.tags?.[0],
    ]);
    expect(shown).toEqual(
      operations.map(({ method, path, operation }) => [
        operationKey(method, path),
        operation.operationId,
        operation.tags?.[0],
      ]),
    );
    // Deep links and grouping in the explorer need an id and a tag on each operation.
    expect(shown.filter(([, id, tag]) => !id || !tag)).toEqual([]);
  });
});
