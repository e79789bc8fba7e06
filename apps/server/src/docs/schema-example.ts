/** A JSON Schema as the OpenAPI document writes it: the keywords an example is made from. */
export interface ExampleSchema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly format?: string;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly minItems?: number;
  readonly properties?: Readonly<Record<string, ExampleSchema>>;
  readonly required?: readonly string[];
  readonly items?: ExampleSchema;
  readonly oneOf?: readonly ExampleSchema[];
  readonly anyOf?: readonly ExampleSchema[];
  readonly allOf?: readonly ExampleSchema[];
  readonly $ref?: string;
}

/** What an example needs besides the schema. */
export interface ExampleOptions {
  /** The document the schema's `#/components/...` references point into. */
  readonly document: unknown;
  /**
   * The Postman variable a field of this name takes (`dataFlowId` -> `{{flowId}}`), so an example
   * body names the resources the run created instead of ids that do not exist.
   */
  readonly variableFor: (fieldName: string) => string | undefined;
}

/** Deeper than this an example stops: the document's schemas are trees, so only a cycle gets here. */
const MAX_DEPTH = 12;

/** The SHA-256 hex of `password`, the seeded password, as clients send passwords. */
const PASSWORD_SHA256 = '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8';

const resolve = (schema: ExampleSchema, document: unknown): ExampleSchema => {
  if (!schema.$ref?.startsWith('#/')) return schema;
  let target: unknown = document;
  for (const segment of schema.$ref.slice(2).split('/')) {
    target = typeof target === 'object' && target !== null ? Reflect.get(target, segment) : undefined;
  }
  return typeof target === 'object' && target !== null ? (target as ExampleSchema) : {};
};

const typesOf = (schema: ExampleSchema): readonly string[] =>
  schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;

/** A string a field of this name and schema accepts, readable in a request body. */
const exampleString = (name: string, schema: ExampleSchema): string => {
  if (schema.format === 'date-time') return '2026-01-01T00:00:00.000Z';
  if (schema.format === 'uri') return 'http://127.0.0.1:8901/v1.0/api/health';
  const lower = name.toLowerCase();
  if (lower.includes('email')) return 'postman.{{runStamp}}@example.com';
  if (lower.includes('password')) return PASSWORD_SHA256;
  if (lower === 'name' || lower.endsWith('name')) return `Postman ${name} {{runStamp}}`;
  const text = lower === '' ? 'example' : `postman.${lower}.{{runStamp}}`;
  return text.padEnd(schema.minLength ?? 0, 'x');
};

const exampleOf = (name: string, raw: ExampleSchema, options: ExampleOptions, depth: number): unknown => {
  const schema = resolve(raw, options.document);
  const variable = options.variableFor(name);
  if (variable) return `{{${variable}}}`;
  if (depth > MAX_DEPTH) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives?.length) {
    const chosen = alternatives.find(
      (option) => !typesOf(resolve(option, options.document)).includes('null'),
    );
    return exampleOf(name, chosen ?? alternatives[0] ?? {}, options, depth + 1);
  }
  if (schema.allOf?.length) {
    return Object.assign({}, ...schema.allOf.map((part) => exampleOf(name, part, options, depth + 1)));
  }
  if (schema.default !== undefined && typeof schema.default !== 'object') return schema.default;
  const type =
    typesOf(schema).find((candidate) => candidate !== 'null') ?? (schema.properties ? 'object' : '');
  switch (type) {
    case 'object':
      return objectExample(schema, options, depth);
    case 'array':
      return (schema.minItems ?? 0) > 0 && schema.items
        ? [exampleOf(name, schema.items, options, depth + 1)]
        : [];
    case 'string':
      return exampleString(name, schema);
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return false;
    default:
      return null;
  }
};

/**
 * An object's example: its required fields, and when it requires none, the fields that default to
 * a plain value or name a record of the run, so an optional-only body still shows what it takes.
 */
const objectExample = (schema: ExampleSchema, options: ExampleOptions, depth: number) => {
  const properties = schema.properties ?? {};
  const required = schema.required ?? [];
  const shown =
    required.length > 0
      ? required
      : Object.keys(properties).filter((key) => {
          const field = properties[key];
          if (options.variableFor(key)) return true;
          return field !== undefined && field.default !== undefined && typeof field.default !== 'object';
        });
  return Object.fromEntries(
    shown.flatMap((key) => {
      const field = properties[key];
      return field ? [[key, exampleOf(key, field, options, depth + 1)]] : [];
    }),
  );
};

/**
 * An example value for a JSON schema of the OpenAPI document: enums take their first value,
 * alternatives their first non-null one, objects their required fields, and fields that name a
 * resource the collection's variable for it. Made from the schema, so it follows every change.
 */
export const schemaExample = (schema: ExampleSchema, options: ExampleOptions, name = ''): unknown =>
  exampleOf(name, schema, options, 0);
