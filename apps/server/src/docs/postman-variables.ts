import type { ListedOperation } from './openapi-operations.ts';

/**
 * The variables of the collection a fresh server needs no change to: the address `./tempo up`
 * listens on, and the administrator and tenant `hydration` seeds (settings defaults). The admin
 * API key is generated per data folder, so it starts empty and the run signs in instead.
 */
export const SEEDED_VARIABLES: readonly { readonly key: string; readonly value: string }[] = [
  { key: 'baseUrl', value: 'http://127.0.0.1:8901' },
  { key: 'adminEmail', value: 'admin@tempo.local' },
  { key: 'adminPassword', value: 'password' },
  { key: 'tenantName', value: 'Default Tenant' },
  { key: 'adminApiKey', value: '' },
  { key: 'runtimeKey', value: 'Builtin.Method' },
];

/**
 * The collection variable for a record a path's `{id}` names, from the segment before it
 * (`/steps/{id}` -> `stepId`). Other tenants than the seeded one get `newTenantId`, which only
 * the tenant the run creates fills, so no request of the run can touch the seeded tenant.
 */
export const idVariableOf = (collectionSegment: string): string => {
  if (collectionSegment === 'tenants') return 'newTenantId';
  const camel = collectionSegment.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
  return `${camel.endsWith('s') ? camel.slice(0, -1) : camel}Id`;
};

/** The path as Postman segments: each `{param}` a `{{variable}}`. */
export const postmanPathOf = (path: string): string[] => {
  const segments = path.split('/').filter(Boolean);
  return segments.map((segment, index) => {
    const param = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (!param) return segment;
    return `{{${param === 'id' ? idVariableOf(segments[index - 1] ?? '') : param}}}`;
  });
};

/** The variable a create operation's answer fills (`POST /steps` -> `stepId`), if its records have `{id}` routes. */
export const createdVariableOf = (
  listed: ListedOperation,
  all: readonly ListedOperation[],
): string | undefined => {
  if (listed.method !== 'POST' || listed.path.endsWith('}')) return undefined;
  const itemPath = `${listed.path}/{id}`;
  if (!all.some((other) => other.path === itemPath)) return undefined;
  return idVariableOf(listed.path.split('/').at(-1) ?? '');
};

/**
 * The variable a list operation fills with its first record's id: only for records the
 * collection cannot create, so a listed seeded record is never the one a later request changes.
 */
export const listedVariableOf = (
  listed: ListedOperation,
  all: readonly ListedOperation[],
): string | undefined => {
  if (listed.method !== 'GET' || listed.path.endsWith('}')) return undefined;
  const creatable = all.some((other) => other.method === 'POST' && other.path === listed.path);
  if (creatable || !all.some((other) => other.path === `${listed.path}/{id}`)) return undefined;
  return idVariableOf(listed.path.split('/').at(-1) ?? '');
};

/** The `{{...}}` variables a text names. */
export const variablesIn = (text: string): string[] =>
  [...text.matchAll(/\{\{(\w+)\}\}/g)].flatMap((match) => (match[1] ? [match[1]] : []));
