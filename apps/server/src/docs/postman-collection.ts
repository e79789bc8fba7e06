/** The parts of an OpenAPI 3.1 document the Postman export reads. */
export interface OpenApiDocumentLike {
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly paths: Readonly<
    Record<
      string,
      Readonly<
        Record<
          string,
          {
            readonly operationId?: string;
            readonly summary?: string;
            readonly description?: string;
            readonly tags?: readonly string[];
            readonly security?: readonly unknown[];
            readonly requestBody?: unknown;
          }
        >
      >
    >
  >;
}

interface PostmanRequestItem {
  readonly name: string;
  readonly request: {
    readonly method: string;
    readonly header: readonly { key: string; value: string }[];
    readonly url: { raw: string; host: string[]; path: string[] };
    readonly description?: string;
    readonly body?: { mode: 'raw'; raw: string; options: { raw: { language: 'json' } } };
  };
}

/** A Postman v2.1 collection. */
export interface PostmanCollection {
  readonly info: { name: string; description: string; schema: string };
  readonly variable: readonly { key: string; value: string }[];
  readonly item: readonly { name: string; item: PostmanRequestItem[] }[];
}

const METHOD_ORDER = ['get', 'post', 'put', 'delete'];

/** `{tenantId}` becomes the `{{tenantId}}` variable, other parameters `{{id}}`-style variables. */
const toPostmanPath = (path: string): string[] =>
  path
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/^\{(\w+)\}$/, '{{$1}}'));

/**
 * Turns the OpenAPI document into the Postman collection in `postman/`: one folder per tag, one
 * request per operation named by its operationId (summary and description as the request's
 * description), the admin key header on secured operations, and a JSON body placeholder where the
 * operation takes one. Generated, so it cannot drift from the routes.
 */
export const postmanCollectionOf = (document: OpenApiDocumentLike): PostmanCollection => {
  const folders = new Map<string, PostmanRequestItem[]>();
  const paths = Object.keys(document.paths).sort();
  for (const path of paths) {
    const operations = document.paths[path] ?? {};
    for (const method of METHOD_ORDER) {
      const operation = operations[method];
      if (!operation) continue;
      const tag = operation.tags?.[0] ?? 'Other';
      const secured = (operation.security?.length ?? 0) > 0;
      const description = [operation.summary, operation.description].filter(Boolean).join('\n\n');
      const item: PostmanRequestItem = {
        // The operationId, as generated clients and MCP tools name the same call.
        name: operation.operationId ?? operation.summary ?? `${method.toUpperCase()} ${path}`,
        request: {
          method: method.toUpperCase(),
          header: [
            ...(secured ? [{ key: 'x-api-key', value: '{{adminApiKey}}' }] : []),
            ...(operation.requestBody ? [{ key: 'content-type', value: 'application/json' }] : []),
          ],
          url: {
            raw: `{{baseUrl}}/${toPostmanPath(path).join('/')}`,
            host: ['{{baseUrl}}'],
            path: toPostmanPath(path),
          },
          ...(description ? { description } : {}),
          ...(operation.requestBody
            ? { body: { mode: 'raw', raw: '{}', options: { raw: { language: 'json' } } } }
            : {}),
        },
      };
      folders.set(tag, [...(folders.get(tag) ?? []), item]);
    }
  }
  return {
    info: {
      name: 'Tempo',
      description: `${document.info.title} ${document.info.version}. Generated from /openapi.json by ./tempo postman; set baseUrl, adminApiKey, tenantId and the id variables.`,
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    variable: [
      { key: 'baseUrl', value: 'http://127.0.0.1:8901' },
      // No real key: `./tempo up` generates one per data folder and keeps it in its settings file.
      { key: 'adminApiKey', value: '<auth.adminApiKey from tempo.json>' },
      { key: 'tenantId', value: '' },
      { key: 'id', value: '' },
    ],
    item: [...folders.entries()].map(([name, item]) => ({ name, item })),
  };
};
