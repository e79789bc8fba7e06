import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv, CodeOptions, ValidateFunction } from 'ajv';
import type { RE2JS } from 're2js';

/**
 * Ajv and RE2JS, loaded on the first schema check: together they are more than sixty modules that
 * every start would otherwise load for steps that may never declare a schema.
 */
const schemaLibraries = (() => {
  let loaded: { readonly Ajv: typeof Ajv; readonly RE2JS: typeof RE2JS } | null = null;
  return () => {
    if (loaded) return loaded;
    const require = createRequire(import.meta.url);
    loaded = {
      Ajv: (require('ajv') as { Ajv: typeof Ajv }).Ajv,
      RE2JS: (require('re2js') as { RE2JS: typeof RE2JS }).RE2JS,
    };
    return loaded;
  };
})();

/** Compiled schemas kept at once; the least recently used one goes first. */
const MAX_COMPILED_SCHEMAS = 256;

/** Compiled validators (or why a schema does not compile), by tenant and schema text. */
const compiled = new Map<string, ValidateFunction | Error>();

/**
 * `pattern` and `patternProperties` run on RE2 (linear time), not on the backtracking engine of
 * V8: a tenant's `^(a+)+$` against 34 characters of input used to hold the server's only thread
 * for minutes. Patterns RE2 cannot express (lookaround, back-references) make the schema invalid.
 */
const linearRegExp: NonNullable<CodeOptions['regExp']> = Object.assign(
  (pattern: string): { test: (text: string) => boolean } => {
    const compiledPattern = schemaLibraries().RE2JS.compile(pattern);
    return { test: (text: string) => compiledPattern.test(text) };
  },
  { code: 're2js' },
);

/**
 * Compiles one schema in an Ajv instance of its own. A shared instance registers every `$id` it
 * sees: a second schema with the same `$id` (another tenant's, or the same tenant's edited one)
 * would then fail for ever, and a `$ref` could reach a schema of another tenant. Alone, a schema
 * can only refer to itself.
 */
const compile = (schemaText: string): ValidateFunction | Error => {
  try {
    const ajv = new (schemaLibraries().Ajv)({
      allErrors: false,
      strict: false,
      code: { regExp: linearRegExp },
    });
    return ajv.compile(JSON.parse(schemaText) as object);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
};

const validatorFor = (tenantId: string, schemaText: string): ValidateFunction | Error => {
  // Keyed by tenant too, so no compiled state is ever shared between tenants; by a digest of the
  // text, so a key never holds a copy of a large schema.
  const key = `${tenantId}\n${createHash('sha256').update(schemaText).digest('hex')}`;
  let validate = compiled.get(key);
  if (validate) {
    compiled.delete(key);
  } else {
    validate = compile(schemaText);
    if (compiled.size >= MAX_COMPILED_SCHEMAS) {
      const oldest = compiled.keys().next();
      if (!oldest.done) compiled.delete(oldest.value);
    }
  }
  compiled.set(key, validate);
  return validate;
};

/**
 * Checks a value against a tenant's JSON Schema given as text. Schemas are compiled once per
 * tenant and content (an edited schema is a new entry) and `$ref` resolves only within the
 * schema itself. Resolves to null when the value fits, else to a message naming the first
 * problem, or saying why the schema does not compile.
 */
export const checkAgainstSchema = (tenantId: string, schemaText: string, value: unknown): string | null => {
  const validate = validatorFor(tenantId, schemaText);
  if (validate instanceof Error) return `the schema is not valid: ${validate.message}`;
  if (validate(value)) return null;
  const [first] = validate.errors ?? [];
  return first
    ? `${first.instancePath || '(root)'} ${first.message ?? 'is invalid'}`
    : 'does not match the schema';
};
