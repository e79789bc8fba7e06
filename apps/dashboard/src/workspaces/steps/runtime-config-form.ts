import type { RuntimeConfigProperty } from '@tempo/contracts';

/** How the form edits one config property, from the type name the runtime catalog gives. */
export type ConfigFieldKind = 'text' | 'number' | 'boolean' | 'json' | 'choice';

/** The editor kind of a property type: `string`, `number`, `boolean`, `a|b` (a choice), others as JSON. */
export const fieldKindOf = (type: string): ConfigFieldKind => {
  if (type === 'string') return 'text';
  if (type === 'number' || type === 'int') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type.includes('|')) return 'choice';
  return 'json';
};

/** The form's text for each property of a stored config (JSON text for objects and arrays). */
export const configToForm = (
  properties: readonly RuntimeConfigProperty[],
  config: Readonly<Record<string, unknown>> | null,
): Record<string, string> =>
  Object.fromEntries(
    properties.map((property) => {
      const value = config?.[property.name];
      if (value === undefined || value === null) return [property.name, ''];
      if (fieldKindOf(property.type) === 'json') return [property.name, JSON.stringify(value, null, 2)];
      return [property.name, String(value)];
    }),
  );

/**
 * The config body of the form's texts: empty fields are left out (the server applies its
 * defaults), numbers and booleans typed, JSON parsed. Throws a SyntaxError on JSON that does not parse.
 */
export const formToConfig = (
  runtimeKey: string,
  properties: readonly RuntimeConfigProperty[],
  values: Readonly<Record<string, string>>,
): Record<string, unknown> => {
  const config: Record<string, unknown> = { runtimeKey };
  for (const property of properties) {
    const text = values[property.name] ?? '';
    if (text.trim() === '') continue;
    switch (fieldKindOf(property.type)) {
      case 'number':
        config[property.name] = Number(text);
        break;
      case 'boolean':
        config[property.name] = text === 'true';
        break;
      case 'json':
        config[property.name] = JSON.parse(text);
        break;
      case 'text':
      case 'choice':
        config[property.name] = text;
        break;
    }
  }
  return config;
};
