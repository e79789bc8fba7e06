import { ErrorBody } from '@tempo/contracts';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { TAG_DESCRIPTIONS } from './openapi-tags.ts';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Name of the one schema that stands for "any JSON value" wherever a wire shape says `unknown`. */
const JSON_VALUE = 'JsonValue';
/** Name of the one error body every failed request answers. */
const ERROR_BODY = 'ErrorBody';
const refTo = (name: string) => `#/components/schemas/${name}`;

const JSON_VALUE_SCHEMA = {
  description:
    'Any JSON value: object, array, string, number, boolean or null. Its shape is up to the flow, step or caller that produced it.',
};

/** JSON with object keys sorted, so two schemas compare equal whatever order their keys came in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    isObject(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );

/** The error body as the route transform writes it, to recognise its copies in the document. */
const errorBodySchema = (): JsonObject => {
  const { schema } = jsonSchemaTransform({
    schema: { response: { 400: ErrorBody } },
    url: '/',
    route: { method: 'GET', url: '/', handler: () => undefined },
    openapiObject: { openapi: '3.1.0' },
  });
  const converted = (schema.response as JsonObject | undefined)?.[400];
  if (!isObject(converted)) throw new Error('ErrorBody did not convert to a JSON schema.');
  return converted;
};

/** Keywords whose value is one subschema, and those whose value is a list or a map of them. */
const ONE_SCHEMA = ['items', 'additionalProperties', 'not', 'propertyNames', 'contains'] as const;
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
/** Keywords that constrain or shape a value; a schema without any of them accepts any JSON. */
const SHAPING = [
  'type',
  '$ref',
  'enum',
  'const',
  'properties',
  'items',
  'additionalProperties',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'format',
  'pattern',
];

const isOpen = (schema: JsonObject): boolean => SHAPING.every((key) => !(key in schema));

/** `Builtin.Class` → `BuiltinClass`, `runtimeConfig` → `RuntimeConfig`. */
const pascal = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');

/**
 * Rewrites the schemas of a document, told by its caller whether they describe requests
 * (`Input`) or answers, so that named members of both kinds do not collide.
 */
/** Whether a JSON schema admits `null` (its type, or a member of its union). */
const allowsNull = (schema: unknown): boolean => {
  if (!isObject(schema)) return false;
  const { type } = schema;
  if (type === 'null' || (Array.isArray(type) && type.includes('null'))) return true;
  return [schema.anyOf, schema.oneOf].some((list) => Array.isArray(list) && list.some(allowsNull));
};

class SchemaRewriter {
  /** Named schemas collected while rewriting, in order of first use. */
  readonly components = new Map<string, JsonObject>();
  readonly #byContent = new Map<string, string>();
  readonly #errorBody: string;

  constructor(errorBody: JsonObject) {
    this.#errorBody = canonical(errorBody);
  }

  /** A schema with its subschemas rewritten: error bodies and "any JSON" become references, unions hoisted. */
  rewrite(schema: unknown, io: 'Input' | '', owner: string): unknown {
    if (!isObject(schema)) return schema;
    if (canonical(schema) === this.#errorBody) return { $ref: refTo(ERROR_BODY) };
    // `unknown().nullable()` is `anyOf: [{}, null]`: a union with an open member accepts anything.
    const { anyOf, ...rest } = schema;
    if (Array.isArray(anyOf) && anyOf.some((member) => isObject(member) && isOpen(member))) {
      return { ...rest, $ref: refTo(JSON_VALUE) };
    }
    if (isOpen(schema)) return { ...schema, $ref: refTo(JSON_VALUE) };
    const out: JsonObject = { ...schema };
    if (isObject(out.properties)) {
      const properties = out.properties;
      // Answers leave null properties out (the response serializer's rule), so one that may be
      // null is not required in an answer; a request still sends what its schema requires.
      if (io === '' && Array.isArray(out.required)) {
        out.required = out.required.filter((name) => !allowsNull(properties[String(name)]));
      }
      out.properties = Object.fromEntries(
        Object.entries(properties).map(([name, child]) => [name, this.rewrite(child, io, name)]),
      );
    }
    for (const key of ONE_SCHEMA) if (key in out) out[key] = this.rewrite(out[key], io, owner);
    for (const key of SCHEMA_LISTS) {
      const list = out[key];
      if (Array.isArray(list)) out[key] = list.map((member) => this.rewrite(member, io, owner));
    }
    if (Array.isArray(out.oneOf) && isObject(out.discriminator)) return this.#hoist(out, io, owner);
    return out;
  }

  /**
   * A discriminator selects among named schemas only (OpenAPI 3.1 §4.8.25): each inline member
   * becomes a component named after its discriminator value, with the mapping spelled out.
   */
  #hoist(union: JsonObject, io: 'Input' | '', owner: string): JsonObject {
    const discriminator = union.discriminator as JsonObject;
    const property = String(discriminator.propertyName);
    const mapping: Record<string, string> = {};
    const oneOf = (union.oneOf as unknown[]).map((member) => {
      if (!isObject(member) || '$ref' in member) return member;
      const tag = isObject(member.properties)
        ? (member.properties[property] as JsonObject | undefined)
        : undefined;
      const value =
        tag?.const ?? (Array.isArray(tag?.enum) && tag.enum.length === 1 ? tag.enum[0] : undefined);
      if (typeof value !== 'string') return member;
      const name = this.#name(`${pascal(value)}${pascal(owner)}${io}`, member);
      mapping[value] = refTo(name);
      return { $ref: refTo(name) };
    });
    return { ...union, oneOf, discriminator: { ...discriminator, mapping } };
  }

  /** The component name of a schema: the wanted one, numbered when a different schema holds it. */
  #name(wanted: string, schema: JsonObject): string {
    const content = `${wanted} ${canonical(schema)}`;
    const known = this.#byContent.get(content);
    if (known) return known;
    let name = wanted;
    for (let n = 2; this.components.has(name); n += 1) name = `${wanted}${n}`;
    this.components.set(name, schema);
    this.#byContent.set(content, name);
    return name;
  }
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/** Every operation of the document, with its method. */
const operationsOf = (paths: JsonObject): JsonObject[] =>
  Object.values(paths).flatMap((item) =>
    isObject(item) ? HTTP_METHODS.map((method) => item[method]).filter(isObject) : [],
  );

/** Rewrites the schemas of every media type of a `content` map. */
const rewriteContent = (content: unknown, rewriter: SchemaRewriter, io: 'Input' | ''): unknown =>
  isObject(content)
    ? Object.fromEntries(
        Object.entries(content).map(([type, media]) => [
          type,
          isObject(media) ? { ...media, schema: rewriter.rewrite(media.schema, io, 'Body') } : media,
        ]),
      )
    : content;

/** One operation with its parameters, body and answers rewritten. */
const rewriteOperation = (operation: JsonObject, rewriter: SchemaRewriter): JsonObject => {
  const out: JsonObject = { ...operation };
  if (Array.isArray(out.parameters)) {
    out.parameters = out.parameters.map((parameter) =>
      isObject(parameter)
        ? { ...parameter, schema: rewriter.rewrite(parameter.schema, 'Input', String(parameter.name)) }
        : parameter,
    );
  }
  if (isObject(out.requestBody)) {
    out.requestBody = {
      ...out.requestBody,
      content: rewriteContent(out.requestBody.content, rewriter, 'Input'),
    };
  }
  if (isObject(out.responses)) {
    out.responses = Object.fromEntries(
      Object.entries(out.responses).map(([status, response]) => [
        status,
        isObject(response) && 'content' in response
          ? { ...response, content: rewriteContent(response.content, rewriter, '') }
          : response,
      ]),
    );
  }
  return out;
};

/**
 * The last step of document generation: one `JsonValue` schema for every `unknown`, one
 * `ErrorBody` for every error answer, discriminated unions over named members, and the tags in
 * first-use order with their descriptions.
 */
export const finishDocument = <T extends object>(document: T): T => {
  const source = document as JsonObject;
  const rewriter = new SchemaRewriter(errorBodySchema());
  const paths = isObject(source.paths) ? source.paths : {};
  const rewrittenPaths = Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      isObject(item)
        ? Object.fromEntries(
            Object.entries(item).map(([key, value]) => [
              key,
              HTTP_METHODS.includes(key) && isObject(value) ? rewriteOperation(value, rewriter) : value,
            ]),
          )
        : item,
    ]),
  );
  // Described tags in the catalogue's order, then any other tag in use (which the lint refuses).
  const used = new Set(
    operationsOf(rewrittenPaths).flatMap((operation) =>
      Array.isArray(operation.tags) ? operation.tags.map(String) : [],
    ),
  );
  const tags = [...Object.keys(TAG_DESCRIPTIONS).filter((name) => used.has(name)), ...used].filter(
    (name, index, all) => all.indexOf(name) === index,
  );
  const components = isObject(source.components) ? source.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  return {
    ...source,
    tags: tags.map((name) => ({
      name,
      ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}),
    })),
    paths: rewrittenPaths,
    components: {
      ...components,
      schemas: {
        ...schemas,
        [JSON_VALUE]: JSON_VALUE_SCHEMA,
        [ERROR_BODY]: errorBodyWithValue(),
        ...Object.fromEntries(rewriter.components),
      },
    },
  } as T;
};

/** The error body with its structured `context` as a reference to `JsonValue`. */
const errorBodyWithValue = (): JsonObject => {
  const schema = errorBodySchema();
  const properties = isObject(schema.properties) ? schema.properties : {};
  return {
    ...schema,
    properties: {
      ...properties,
      context: {
        $ref: refTo(JSON_VALUE),
        description: 'Structured context (field issues, ids, limits); absent when there is none.',
      },
    },
  };
};
