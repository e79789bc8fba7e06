import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRouteTableOf, buildOpenApiDocument, withRouteTable } from '../src/index.ts';
import {
  type DocumentedOperation,
  fetchOpenApiDocument,
  operationKey,
  operationsOf,
} from './openapi-shape.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

/**
 * Every route the server serves at /openapi.json is documented: a row of the REST API page's
 * route table and a request of the Postman collection. Read from a running server, so a route
 * added at start-up is caught too.
 */

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
const API_PAGE = join(REPO_ROOT, 'docs', 'api.md');
const COLLECTION = join(REPO_ROOT, 'postman', 'tempo.postman_collection.json');
const DOCS = join(REPO_ROOT, 'docs');

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as dashes. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');

/** The relative links of a Markdown page (code blocks left out), as `[target, anchor]`. */
const relativeLinksOf = (markdown: string): [string, string][] =>
  [...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/\]\(([^)\s]+)\)/g)].flatMap((match) => {
    const link = match[1] ?? '';
    if (/^[a-z]+:/.test(link)) return [];
    const [target = '', anchor = ''] = link.split('#');
    return [[target, anchor]];
  });

const headingAnchorsOf = (markdown: string) =>
  new Set(
    [...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#+\s+(.*)$/gm)].map((match) =>
      anchorOf(match[1] ?? ''),
    ),
  );

let server: ServerProcess;
let operations: DocumentedOperation[];

beforeAll(async () => {
  server = await startServerProcess();
  operations = operationsOf((await fetchOpenApiDocument(server.baseUrl)).document);
});

afterAll(async () => {
  await server?.stop();
});

/** A Postman request as `METHOD /path` with each `{{variable}}` segment back as `{param}`. */
const postmanRequests = (): string[] => {
  const collection = JSON.parse(readFileSync(COLLECTION, 'utf8')) as {
    item: { item: { name: string; request: { method: string; url: { path: string[] } } }[] }[];
  };
  return collection.item.flatMap((folder) =>
    folder.item.map((item) => `${item.request.method} /${item.request.url.path.join('/')} ${item.name}`),
  );
};

/** `/v1.0/tenants/{tenantId}/steps/{id}` -> `/v1.0/tenants/{{}}/steps/{{}}`: Postman names parameters by variables. */
const withAnyParameters = (text: string) => text.replace(/\{\{?\w+\}?\}/g, '{}');

describe('docs coverage', () => {
  it('serves a document with operations to check', () => {
    expect(operations.length).toBeGreaterThan(100);
  });

  it('lists every route of /openapi.json in docs/api.md', () => {
    const page = readFileSync(API_PAGE, 'utf8');
    const missing = operations
      .filter(
        ({ method, path, operation }) =>
          !page.includes(`| ${method} | \`${path}\` | \`${operation.operationId ?? ''}\` |`),
      )
      .map(({ method, path }) => operationKey(method, path));
    expect(missing, 'routes missing from docs/api.md (run ./tempo postman)').toEqual([]);
  });

  it('keeps the route table of docs/api.md generated from the current routes (run ./tempo postman)', async () => {
    const page = readFileSync(API_PAGE, 'utf8');
    expect(page).toBe(withRouteTable(page, apiRouteTableOf(await buildOpenApiDocument())));
  });

  it('has a request for every route of /openapi.json in the Postman collection, and no other', () => {
    const requests = postmanRequests().map(withAnyParameters).sort();
    const expected = operations
      .map(({ method, path, operation }) =>
        withAnyParameters(`${method} ${path} ${operation.operationId ?? ''}`),
      )
      .sort();
    expect(requests).toEqual(expected);
  });

  it('links every page of docs/ from the handbook index, docs/README.md', () => {
    const index = readFileSync(join(DOCS, 'README.md'), 'utf8');
    const linked = new Set(relativeLinksOf(index).map(([target]) => target));
    const pages = readdirSync(DOCS).filter((name) => name.endsWith('.md') && name !== 'README.md');
    expect(
      pages.filter((page) => !linked.has(page)),
      'pages docs/README.md does not link',
    ).toEqual([]);
  });

  it('has no relative link in docs/ or README.md that points at a missing file or heading', () => {
    const pages = [
      ...readdirSync(DOCS)
        .filter((name) => name.endsWith('.md'))
        .map((name) => join(DOCS, name)),
      join(REPO_ROOT, 'README.md'),
    ];
    const broken = pages.flatMap((page) =>
      relativeLinksOf(readFileSync(page, 'utf8')).flatMap(([target, anchor]) => {
        const file = target === '' ? page : resolve(dirname(page), target);
        if (!existsSync(file)) return [`${page}: ${target}`];
        if (anchor === '' || !file.endsWith('.md')) return [];
        return headingAnchorsOf(readFileSync(file, 'utf8')).has(anchor)
          ? []
          : [`${page}: ${target}#${anchor}`];
      }),
    );
    expect(broken).toEqual([]);
  });
});
