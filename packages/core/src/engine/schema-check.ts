import { Ajv, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new Map<string, ValidateFunction | Error>();

/**
 * Checks a value against a JSON Schema given as text; compiled schemas are cached by their text.
 * Resolves to null when the value fits, else to a message naming the first problem.
 */
export const checkAgainstSchema = (schemaText: string, value: unknown): string | null => {
  let validate = compiled.get(schemaText);
  if (!validate) {
    try {
      validate = ajv.compile(JSON.parse(schemaText) as object);
    } catch (error) {
      validate = error instanceof Error ? error : new Error(String(error));
    }
    compiled.set(schemaText, validate);
  }
  if (validate instanceof Error) return `the schema is not valid: ${validate.message}`;
  if (validate(value)) return null;
  const [first] = validate.errors ?? [];
  return first
    ? `${first.instancePath || '(root)'} ${first.message ?? 'is invalid'}`
    : 'does not match the schema';
};
