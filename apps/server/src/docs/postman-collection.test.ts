import { describe, expect, it } from 'vitest';
import type { OpenApiDocumentLike } from './openapi-operations.ts';
import { postmanCollectionOf } from './postman-collection.ts';
import type { ExampleSchema } from './schema-example.ts';

const secured = [{ bearer: [] }];
const body = (schema: ExampleSchema) => ({ content: { 'application/json': { schema } } });

/** A small document with the shapes the generator orders by: creates, references, deletes. */
const document: OpenApiDocumentLike = {
  info: { title: 'Tempo', version: '0.0.0' },
  tags: [{ name: 'Maps' }, { name: 'Tenants' }, { name: 'Roles' }, { name: 'Identity' }],
  components: {
    schemas: { ErrorBody: { properties: { error: { enum: ['BadRequest', 'NotFound'] } } } },
  },
  paths: {
    '/v1.0/token': {
      post: { operationId: 'issueToken', tags: ['Identity'], security: [], requestBody: body({}) },
    },
    '/v1.0/token/revoke': { post: { operationId: 'revokeTokens', tags: ['Identity'], security: secured } },
    '/v1.0/tenants': {
      get: { operationId: 'listTenants', tags: ['Tenants'], security: secured },
      post: {
        operationId: 'createTenant',
        tags: ['Tenants'],
        security: secured,
        requestBody: body({ type: 'object', properties: { name: { type: 'string', default: 'default' } } }),
      },
    },
    '/v1.0/tenants/{id}': {
      delete: { operationId: 'deleteTenant', tags: ['Tenants'], security: secured },
    },
    '/v1.0/tenants/{tenantId}/maps': {
      post: {
        operationId: 'createMap',
        tags: ['Maps'],
        security: secured,
        requestBody: body({
          type: 'object',
          properties: {
            roleId: { type: 'string' },
            kind: { enum: ['A', 'B'] },
            count: { type: 'integer', minimum: 2 },
          },
          required: ['roleId', 'kind', 'count'],
        }),
      },
    },
    '/v1.0/tenants/{tenantId}/maps/{id}': {
      delete: { operationId: 'deleteMap', tags: ['Maps'], security: secured },
    },
    '/v1.0/tenants/{tenantId}/roles': {
      post: { operationId: 'createRole', tags: ['Roles'], security: secured, requestBody: body({}) },
    },
    '/v1.0/tenants/{tenantId}/roles/{id}': {
      get: { operationId: 'readRole', tags: ['Roles'], security: secured },
      delete: { operationId: 'deleteRole', tags: ['Roles'], security: secured },
    },
  },
};

const collection = postmanCollectionOf(document);
const folder = (name: string) => collection.item.find((candidate) => candidate.name === name)?.item ?? [];
const names = (name: string) => folder(name).map((item) => item.name);
const request = (name: string) => collection.item.flatMap((f) => f.item).find((item) => item.name === name);

describe('postmanCollectionOf', () => {
  it('starts with Getting started and keeps every destructive request for Clean up, revocation last', () => {
    expect(collection.item[0]?.name).toBe('Getting started');
    expect(names('Getting started')).toEqual(['issueToken', 'listTenants']);
    expect(names('Clean up')).toEqual(['deleteMap', 'deleteRole', 'deleteTenant', 'revokeTokens']);
  });

  it('creates a record after the records its body names, moving whole folders when needed', () => {
    const order = collection.item.map((f) => f.name);
    expect(order.indexOf('Roles')).toBeLessThan(order.indexOf('Maps'));
    expect(JSON.parse(request('createMap')?.request.body?.raw ?? '{}')).toEqual({
      roleId: '{{roleId}}',
      kind: 'A',
      count: 2,
    });
  });

  it('points tenant deletes at the tenant the run creates, never the seeded one', () => {
    expect(request('deleteTenant')?.request.url.raw).toBe('{{baseUrl}}/v1.0/tenants/{{newTenantId}}');
    expect(JSON.stringify(request('createTenant')?.event)).toContain('newTenantId');
  });

  it('checks every answer against the error catalogue and signs secured requests', () => {
    for (const item of collection.item.flatMap((f) => f.item)) {
      const tests = item.event.find((event) => event.listen === 'test')?.script.exec.join('\n') ?? '';
      expect(tests).toContain('pm.expect(pm.response.code).to.be.below(500)');
      expect(tests).toContain('["BadRequest","NotFound"]');
    }
    expect(request('readRole')?.request.header).toContainEqual({
      key: 'authorization',
      value: 'Bearer {{token}}',
    });
    expect(request('issueToken')?.request.header).not.toContainEqual(
      expect.objectContaining({ key: 'authorization' }),
    );
  });

  it('declares every variable a request names, seeded defaults filled in', () => {
    const declared = new Map(collection.variable.map((variable) => [variable.key, variable.value]));
    const used = JSON.stringify(collection.item).match(/\{\{\w+\}\}/g) ?? [];
    expect(used.map((name) => name.slice(2, -2)).filter((name) => !declared.has(name))).toEqual([]);
    expect(declared.get('adminEmail')).toBe('admin@tempo.local');
    expect(declared.get('tenantName')).toBe('Default Tenant');
  });
});
