import { Ajv, type ValidateFunction } from 'ajv';

/** Compiled schemas kept at once; the least recently used one goes first. */
const MAX_COMPILED_SCHEMAS = 256;

/** Compiled validators (or why a schema does not compile), by tenant and schema text. */
const compiled = new Map<string, ValidateFunction | Error>();

/**
 * Compiles one schema in an Ajv instance of its own. A shared instance registers every `$id` it
 * sees: a second schema with the same `$id` (another tenant's, or the same tenant's edited one)
 * would then fail for ever, and a `$ref` could reach a schema of another tenant. Alone, a schema
 * can only refer to itself.
 */
const compile = (schemaText: string): ValidateFunction | Error => {
  try {
    const ajv = new Ajv({ allErrors: false, strict: false });
    return ajv.compile(JSON.parse(schemaText) as object);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
};

const validatorFor = (tenantId: string, schemaText: string): ValidateFunction | Error => {
  // Keyed by tenant too, so no compiled state is ever shared between tenants.
  const key = `${tenantId}\n${schemaText}`;
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
