import { Validator } from '@seriousme/openapi-schema-validator';
import { RuntimeKey } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument } from '../src/index.ts';
import {
  type DocumentedOperation,
  fetchOpenApiDocument,
  JsonSchema,
  type OpenApiDocument,
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
]);

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
      const security = operation.security ?? [];
      const optional = security.some((requirement) => Object.keys(requirement).length === 0);
      if (PUBLIC_OPERATIONS.has(key)) {
        if (security.length > 0 && !optional) found.push(`${key}: public but demands credentials`);
      } else if (security.length === 0 || optional) {
        found.push(`${key}: no security requirement`);
      }
      for (const name of security.flatMap((requirement) => Object.keys(requirement))) {
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
      const refused = answer.status === 401;
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
});
