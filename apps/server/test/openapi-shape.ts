import { z } from 'zod';

/** A JSON Schema as the OpenAPI document writes it: only the keywords these suites read. */
export interface JsonSchema {
  readonly type?: string | readonly string[] | undefined;
  readonly enum?: readonly unknown[] | undefined;
  readonly const?: unknown;
  readonly format?: string | undefined;
  readonly pattern?: string | undefined;
  readonly minLength?: number | undefined;
  readonly maxLength?: number | undefined;
  readonly minimum?: number | undefined;
  readonly maximum?: number | undefined;
  readonly minItems?: number | undefined;
  readonly maxItems?: number | undefined;
  readonly properties?: Readonly<Record<string, JsonSchema>> | undefined;
  readonly required?: readonly string[] | undefined;
  readonly additionalProperties?: JsonSchema | boolean | undefined;
  readonly items?: JsonSchema | undefined;
  readonly oneOf?: readonly JsonSchema[] | undefined;
  readonly anyOf?: readonly JsonSchema[] | undefined;
  readonly allOf?: readonly JsonSchema[] | undefined;
  readonly $ref?: string | undefined;
  readonly discriminator?: { readonly propertyName: string } | undefined;
}

export const JsonSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z.looseObject({
    type: z.union([z.string(), z.array(z.string())]).optional(),
    enum: z.array(z.unknown()).optional(),
    const: z.unknown().optional(),
    format: z.string().optional(),
    pattern: z.string().optional(),
    minLength: z.number().optional(),
    maxLength: z.number().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    minItems: z.number().optional(),
    maxItems: z.number().optional(),
    properties: z.record(z.string(), JsonSchema).optional(),
    required: z.array(z.string()).optional(),
    additionalProperties: z.union([z.boolean(), JsonSchema]).optional(),
    items: JsonSchema.optional(),
    oneOf: z.array(JsonSchema).optional(),
    anyOf: z.array(JsonSchema).optional(),
    allOf: z.array(JsonSchema).optional(),
    $ref: z.string().optional(),
    discriminator: z.looseObject({ propertyName: z.string() }).optional(),
  }),
);

/** One parameter of an operation. */
export const OpenApiParameter = z.looseObject({
  name: z.string(),
  in: z.enum(['path', 'query', 'header', 'cookie']),
  required: z.boolean().optional(),
  schema: JsonSchema.optional(),
});
export type OpenApiParameter = z.infer<typeof OpenApiParameter>;

/** One operation (a method of a path item), as far as these suites read it. */
export const OpenApiOperation = z.looseObject({
  operationId: z.string().optional(),
  summary: z.string().optional(),
  tags: z.array(z.string()).optional(),
  /** Alternatives, each naming schemes that must all hold; `{}` means no credentials. */
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  parameters: z.array(OpenApiParameter).optional(),
  requestBody: z
    .looseObject({ content: z.record(z.string(), z.looseObject({ schema: JsonSchema.optional() })) })
    .optional(),
  responses: z.record(z.string(), z.unknown()),
});
export type OpenApiOperation = z.infer<typeof OpenApiOperation>;

/** The top of an OpenAPI document; path items stay raw because they mix methods with other keys. */
export const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.looseObject({ securitySchemes: z.record(z.string(), z.unknown()).optional() }).optional(),
});
export type OpenApiDocument = z.infer<typeof OpenApiDocument>;

/** The method keys of a path item (OpenAPI 3.1 §4.8.9). */
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** An operation with where it lives: `method` upper-case, `path` in OpenAPI form (`{id}`). */
export interface DocumentedOperation {
  readonly method: string;
  readonly path: string;
  readonly operation: OpenApiOperation;
}

/** Every operation of the document, in document order. */
export const operationsOf = (document: OpenApiDocument): DocumentedOperation[] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method] !== undefined).map((method) => ({
      method: method.toUpperCase(),
      path,
      operation: OpenApiOperation.parse(item[method]),
    })),
  );

/** `METHOD /path` with the path in OpenAPI form, the key both suites compare by. */
export const operationKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

/** A Fastify route URL in OpenAPI form: `:id` (with an optional regex) becomes `{id}`. */
export const toOpenApiPath = (fastifyUrl: string): string =>
  fastifyUrl.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, '{$1}');

/** The JSON schema of an operation's `application/json` body, if it takes one. */
export const jsonBodySchemaOf = (operation: OpenApiOperation): JsonSchema | undefined =>
  operation.requestBody?.content['application/json']?.schema;

/** Deeper than this a reference chain is a cycle, which the document must not have. */
const MAX_REF_DEPTH = 32;

/**
 * A copy of `value` with every local `$ref` (`#/components/...`) replaced by what it points at,
 * keeping the referring object's other keys, so readers of schemas need not follow references.
 */
export const inlineReferences = (root: unknown, value: unknown = root, depth = 0): unknown => {
  if (depth > MAX_REF_DEPTH) throw new Error('reference chain too deep: a cycle in the document?');
  if (Array.isArray(value)) return value.map((item) => inlineReferences(root, item, depth));
  if (typeof value !== 'object' || value === null) return value;
  const { $ref, ...rest } = value as Record<string, unknown>;
  const inlined = Object.fromEntries(
    Object.entries(rest).map(([key, child]) => [key, inlineReferences(root, child, depth)]),
  );
  if (typeof $ref !== 'string' || !$ref.startsWith('#/')) return $ref === undefined ? inlined : value;
  let target: unknown = root;
  for (const segment of $ref.slice(2).split('/')) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    target = typeof target === 'object' && target !== null ? Reflect.get(target, key) : undefined;
  }
  if (target === undefined) throw new Error(`unresolved reference ${$ref}`);
  const resolved = inlineReferences(root, target, depth + 1);
  return typeof resolved === 'object' && resolved !== null ? { ...resolved, ...inlined } : resolved;
};

/**
 * Fetches the document a running server serves at `/openapi.json`: `raw` as served, `document`
 * parsed with its references inlined.
 */
export const fetchOpenApiDocument = async (
  baseUrl: string,
): Promise<{ readonly raw: Record<string, unknown>; readonly document: OpenApiDocument }> => {
  const answer = await fetch(`${baseUrl}/openapi.json`);
  if (answer.status !== 200) throw new Error(`GET /openapi.json answered ${answer.status}`);
  const raw = z.record(z.string(), z.unknown()).parse(await answer.json());
  return { raw, document: OpenApiDocument.parse(inlineReferences(raw)) };
};
