import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, postmanCollectionOf } from '../src/index.ts';

const COLLECTION = join(
  resolve(import.meta.dirname, '..', '..', '..'),
  'postman',
  'tempo.postman_collection.json',
);

describe('postman collection', () => {
  it('is the one generated from the current routes (run ./tempo postman after changing a route)', async () => {
    const generated = postmanCollectionOf(await buildOpenApiDocument());
    const committed: unknown = JSON.parse(readFileSync(COLLECTION, 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(generated)));
    const requests = generated.item.flatMap((folder) =>
      folder.item.map((item) => `${item.request.method} ${item.request.url.raw}`),
    );
    expect(requests).toContain('POST {{baseUrl}}/v1.0/token');
    expect(requests).toContain('POST {{baseUrl}}/v1.0/tenants/{{tenantId}}/flows/{{flowId}}/ensure-steps');
  });
});
