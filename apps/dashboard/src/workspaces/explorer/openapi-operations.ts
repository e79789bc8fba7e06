/** HTTP methods an OpenAPI path item can hold, in the order the explorer lists them. */
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

/** One parameter of an operation. */
export interface OperationParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly description: string;
}

/** One operation of the document, as the explorer lists and calls it. */
export interface ApiOperation {
  /** `METHOD path`, unique within a document. */
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly description: string;
  readonly operationId: string | null;
  readonly parameters: readonly OperationParameter[];
  readonly hasBody: boolean;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Follows a local `$ref` (`#/components/parameters/x`), once. */
const resolve = (document: Record<string, unknown>, value: unknown): Record<string, unknown> => {
  const ref = text(record(value).$ref);
  if (!ref.startsWith('#/')) return record(value);
  return ref
    .slice(2)
    .split('/')
    .reduce<Record<string, unknown>>(
      (node, part) => record(node[part.replace(/~1/g, '/').replace(/~0/g, '~')]),
      document,
    );
};

const parametersOf = (document: Record<string, unknown>, lists: readonly unknown[]): OperationParameter[] => {
  const byKey = new Map<string, OperationParameter>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const parameter = resolve(document, raw);
      const place = text(parameter.in);
      if (place !== 'path' && place !== 'query' && place !== 'header') continue;
      // An operation's own parameter replaces the path item's of the same name and place.
      byKey.set(`${place}:${text(parameter.name)}`, {
        name: text(parameter.name),
        in: place,
        required: parameter.required === true || place === 'path',
        description: text(parameter.description),
      });
    }
  }
  return [...byKey.values()];
};

/** Every operation of an OpenAPI 3 document, sorted by tag, then path, then method. */
export const operationsOf = (document: Record<string, unknown>): ApiOperation[] => {
  const operations: ApiOperation[] = [];
  for (const [path, rawItem] of Object.entries(record(document.paths))) {
    const item = record(rawItem);
    for (const method of METHODS) {
      const operation = record(item[method]);
      if (Object.keys(operation).length === 0) continue;
      const tags = Array.isArray(operation.tags) ? operation.tags.map(text).filter(Boolean) : [];
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        tag: tags[0] ?? '',
        summary: text(operation.summary),
        description: text(operation.description),
        operationId: text(operation.operationId) || null,
        parameters: parametersOf(document, [item.parameters, operation.parameters]),
        hasBody: operation.requestBody !== undefined,
      });
    }
  }
  const order = (method: string) => METHODS.indexOf(method.toLowerCase() as (typeof METHODS)[number]);
  return operations.sort(
    (a, b) => a.tag.localeCompare(b.tag) || a.path.localeCompare(b.path) || order(a.method) - order(b.method),
  );
};

/** Methods that change or remove data: the explorer asks before sending them. */
export const isDestructive = (method: string): boolean =>
  method === 'DELETE' || method === 'PUT' || method === 'PATCH';

/** The path with its `{name}` parameters filled in and encoded. */
export const fillPath = (path: string, values: Readonly<Record<string, string>>): string =>
  path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(values[name] ?? ''));

/** A request the explorer is about to send, in the form the snippets print. */
export interface ExplorerRequest {
  readonly method: string;
  /** Absolute URL with the query string. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text, or null for none. */
  readonly body: string | null;
}

const shellQuote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;

/** A curl command for a POSIX shell that sends `request`. */
export const curlSnippet = (request: ExplorerRequest): string => {
  const parts = [`curl -X ${request.method} ${shellQuote(request.url)}`];
  for (const [name, value] of Object.entries(request.headers))
    parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (request.body !== null) {
    parts.push(`-H ${shellQuote('content-type: application/json')}`);
    parts.push(`-d ${shellQuote(request.body)}`);
  }
  return parts.join(' \\\n  ');
};

/** The same request as JavaScript `fetch`. */
export const fetchSnippet = (request: ExplorerRequest): string => {
  const headers = {
    ...request.headers,
    ...(request.body === null ? {} : { 'content-type': 'application/json' }),
  };
  const init: Record<string, unknown> = { method: request.method };
  if (Object.keys(headers).length > 0) init.headers = headers;
  const lines = JSON.stringify(init, null, 2).split('\n');
  if (request.body !== null) {
    lines.splice(lines.length - 1, 0, `  "body": JSON.stringify(${request.body})`);
    lines[lines.length - 3] = `${lines[lines.length - 3]},`;
  }
  return `const response = await fetch(${JSON.stringify(request.url)}, ${lines.join('\n')});\nconsole.log(response.status, await response.text());`;
};
