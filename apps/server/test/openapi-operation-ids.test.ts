import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, postmanCollectionOf } from '../src/index.ts';
import { type DocumentedOperation, OpenApiDocument, operationKey, operationsOf } from './openapi-shape.ts';

/** The checked-in list of every operation's id: `operationId METHOD /path` a line. */
const SNAPSHOT = join(import.meta.dirname, 'openapi-operation-ids.txt');

/** camelCase: a lower-case verb first, then words each starting upper-case, letters and digits only. */
const CAMEL_CASE = /^[a-z]+(?:[A-Z0-9][a-z0-9]*)*$/;

const snapshotLines = (): string[] =>
  readFileSync(SNAPSHOT, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

let built: Awaited<ReturnType<typeof buildOpenApiDocument>>;
let operations: DocumentedOperation[];

beforeAll(async () => {
  built = await buildOpenApiDocument();
  operations = operationsOf(OpenApiDocument.parse(built));
});

describe('OpenAPI operation ids', () => {
  it('gives every operation an id (a new route needs its entry in apps/server/src/http/operation-ids.ts)', () => {
    const missing = operations
      .filter(({ operation }) => !operation.operationId)
      .map(({ method, path }) => operationKey(method, path));
    expect(missing, 'operations without an operationId').toEqual([]);
  });

  it('keeps the ids unique and camelCase', () => {
    const ids = operations.flatMap(({ operation }) => (operation.operationId ? [operation.operationId] : []));
    const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
    expect(repeated, 'ids used by more than one operation').toEqual([]);
    expect(
      ids.filter((id) => !CAMEL_CASE.test(id)),
      'ids that are not camelCase',
    ).toEqual([]);
  });

  it('keeps the ids stable: the document matches openapi-operation-ids.txt (a rename is a breaking change for the CHANGELOG)', () => {
    const served = operations.map(
      ({ method, path, operation }) => `${operation.operationId ?? '(none)'} ${operationKey(method, path)}`,
    );
    const committed = snapshotLines();
    expect(
      served.filter((line) => !committed.includes(line)),
      'served but not in the snapshot (new operation, or a renamed id)',
    ).toEqual([]);
    expect(
      committed.filter((line) => !served.includes(line)),
      'in the snapshot but not served (removed operation, or a renamed id)',
    ).toEqual([]);
  });

  it('names the calls the issue names, as MCP tools and the Postman collection do', () => {
    const byKey = new Map(
      operations.map(({ method, path, operation }) => [operationKey(method, path), operation.operationId]),
    );
    expect(byKey.get('GET /v1.0/tenants/{tenantId}/steps')).toBe('listSteps');
    expect(byKey.get('POST /v1.0/tenants/{tenantId}/steps')).toBe('createStep');
    expect(byKey.get('POST /v1.0/tenants/{tenantId}/flows')).toBe('createFlow');
    expect(byKey.get('POST /v1.0/triggers/http/{triggerId}')).toBe('fireHttpTrigger');
    expect(byKey.get('POST /v1.0/token')).toBe('issueToken');
  });

  it('names each Postman request by its operationId', () => {
    const names = postmanCollectionOf(built).item.flatMap((folder) => folder.item.map((item) => item.name));
    const ids = operations.map(({ operation }) => operation.operationId ?? '');
    expect([...names].sort()).toEqual([...ids].sort());
  });
});
