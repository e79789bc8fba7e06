import fc from 'fast-check';
import type { JsonSchema } from './openapi-shape.ts';

/** Values the generator puts where a schema names something the server looks up. */
export interface SchemaHints {
  /**
   * Strings of `format: uri`. Fuzzed REST steps may run, so these must stay on this machine.
   */
  readonly uri: fc.Arbitrary<string>;
  /** Extra candidates for a property, by name (ids of existing records, execution keys). */
  readonly property: (name: string) => fc.Arbitrary<unknown> | undefined;
  /** Keys of string-keyed maps, e.g. the execution keys of `transitions`. */
  readonly mapKey: fc.Arbitrary<string>;
}

/** Deeper than this the generator stops following the schema and answers null. */
const MAX_DEPTH = 6;
/** Longest generated string unless the schema asks for a longer minimum. */
const MAX_STRING = 40;
/** The largest boundary string built from a schema's `maxLength`. */
const MAX_BOUNDARY = 100_000;

const typesOf = (schema: JsonSchema): readonly string[] =>
  typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);

const integerOf = (schema: JsonSchema): fc.Arbitrary<number> => {
  const min = Math.max(schema.minimum ?? -1_000_000, Number.MIN_SAFE_INTEGER);
  const max = Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER);
  return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
};

const numberOf = (schema: JsonSchema): fc.Arbitrary<number> =>
  fc.double({
    min: schema.minimum ?? -1e9,
    max: schema.maximum ?? 1e9,
    noNaN: true,
    noDefaultInfinity: true,
  });

/** Strings matching `pattern`, or any strings when fast-check cannot read the pattern. */
const matching = (pattern: string, maxLength: number): fc.Arbitrary<string> => {
  try {
    return fc.stringMatching(new RegExp(pattern)).map((text) => text.slice(0, maxLength));
  } catch {
    return fc.string({ maxLength });
  }
};

const stringOf = (schema: JsonSchema, hints: SchemaHints): fc.Arbitrary<string> => {
  if (schema.format === 'uri') return hints.uri;
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date(0), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
      .map((date) => date.toISOString());
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? Number.POSITIVE_INFINITY;
  const cap = Math.min(maxLength, Math.max(minLength, MAX_STRING));
  if (schema.pattern) return matching(schema.pattern, maxLength);
  const boundaries = [minLength, maxLength, maxLength + 1].filter(
    (length) => length > 0 && length <= MAX_BOUNDARY,
  );
  return fc.oneof(
    { arbitrary: fc.string({ minLength, maxLength: cap, unit: 'grapheme' }), weight: 4 },
    { arbitrary: fc.string({ minLength, maxLength: cap }), weight: 2 },
    ...(boundaries.length > 0
      ? [
          {
            arbitrary: fc
              .tuple(fc.constantFrom(...boundaries), fc.constantFrom('x', 'é', '😀', ' '))
              .map(([length, unit]) => unit.repeat(length).slice(0, length)),
            weight: 1,
          },
        ]
      : []),
  );
};

const objectOf = (schema: JsonSchema, hints: SchemaHints, depth: number): fc.Arbitrary<unknown> => {
  const properties = Object.entries(schema.properties ?? {});
  const extra = schema.additionalProperties;
  if (properties.length === 0) {
    const values =
      typeof extra === 'object' ? arbitraryOf(extra, hints, depth + 1) : fc.jsonValue({ maxDepth: 2 });
    const keys = fc.oneof(hints.mapKey, fc.string({ maxLength: 10 }));
    return fc.dictionary(keys, values, { maxKeys: 4 });
  }
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of properties) {
    const fromSchema = arbitraryOf(property, hints, depth + 1);
    const hinted = hints.property(name);
    model[name] = hinted
      ? fc.oneof({ arbitrary: hinted, weight: 3 }, { arbitrary: fromSchema, weight: 1 })
      : fromSchema;
  }
  const requiredKeys = (schema.required ?? []).filter((name) => name in model);
  return fc.record(model, { requiredKeys });
};

/**
 * Values that mostly satisfy `schema` (OpenAPI 3.1 / JSON Schema 2020-12 as zod writes it), so
 * requests get past validation and into the handlers; the fuzz mutates them further.
 */
export const arbitraryOf = (schema: JsonSchema, hints: SchemaHints, depth = 0): fc.Arbitrary<unknown> => {
  if (depth > MAX_DEPTH) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const union = schema.oneOf ?? schema.anyOf;
  if (union?.length) return fc.oneof(...union.map((member) => arbitraryOf(member, hints, depth + 1)));
  const [first] = schema.allOf ?? [];
  if (first) return arbitraryOf(first, hints, depth + 1);
  const types = typesOf(schema);
  if (types.length > 1)
    return fc.oneof(...types.map((type) => arbitraryOf({ ...schema, type }, hints, depth)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return integerOf(schema);
    case 'number':
      return numberOf(schema);
    case 'string':
      return stringOf(schema, hints);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 4, 4));
      return fc.array(arbitraryOf(schema.items ?? {}, hints, depth + 1), { minLength, maxLength });
    }
    case 'object':
      return objectOf(schema, hints, depth);
    default:
      return schema.properties ? objectOf(schema, hints, depth) : fc.jsonValue({ maxDepth: 2 });
  }
};
