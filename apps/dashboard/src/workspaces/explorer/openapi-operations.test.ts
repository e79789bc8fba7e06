import { describe, expect, it } from 'vitest';
import { curlSnippet, fetchSnippet, fillPath, isDestructive, operationsOf } from './openapi-operations.ts';

const document = {
  openapi: '3.1.0',
  components: { parameters: { Tenant: { name: 'tenantId', in: 'path', required: true } } },
  paths: {
    '/v1.0/tenants/{tenantId}/flows': {
      parameters: [{ $ref: '#/components/parameters/Tenant' }],
      get: {
        tags: ['Flows'],
        summary: 'List flows',
        operationId: 'listFlows',
        parameters: [{ name: 'pageSize', in: 'query', description: 'Items per page' }],
      },
      post: { tags: ['Flows'], summary: 'Create a flow', requestBody: { content: {} } },
    },
    '/v1.0/api/health': { get: { tags: ['Health'], summary: 'Health' } },
  },
};

describe('operationsOf', () => {
  it('lists operations by tag with path-level and referenced parameters', () => {
    const operations = operationsOf(document);
    expect(operations.map((operation) => operation.key)).toEqual([
      'GET /v1.0/tenants/{tenantId}/flows',
      'POST /v1.0/tenants/{tenantId}/flows',
      'GET /v1.0/api/health',
    ]);
    expect(operations[0]?.parameters).toEqual([
      { name: 'tenantId', in: 'path', required: true, description: '' },
      { name: 'pageSize', in: 'query', required: false, description: 'Items per page' },
    ]);
    expect(operations[1]?.hasBody).toBe(true);
    expect(operations[0]?.operationId).toBe('listFlows');
  });

  it('ignores a document without paths', () => {
    expect(operationsOf({})).toEqual([]);
  });
});

describe('requests', () => {
  it('encodes path parameters so a value cannot reach another route', () => {
    expect(fillPath('/v1.0/tenants/{tenantId}/flows/{id}', { tenantId: 'ten_1', id: '../x' })).toBe(
      '/v1.0/tenants/ten_1/flows/..%2Fx',
    );
  });

  it('asks before methods that change data', () => {
    expect(isDestructive('DELETE')).toBe(true);
    expect(isDestructive('PUT')).toBe(true);
    expect(isDestructive('GET')).toBe(false);
  });

  it('prints curl and fetch snippets with headers and body', () => {
    const request = { method: 'POST', url: 'http://h/x?a=1', headers: { 'x-api-key': 'k' }, body: '{"a":1}' };
    expect(curlSnippet(request)).toBe(
      "curl -X POST 'http://h/x?a=1' \\\n  -H 'x-api-key: k' \\\n  -H 'content-type: application/json' \\\n  -d '{\"a\":1}'",
    );
    const snippet = fetchSnippet(request);
    expect(snippet).toContain('fetch("http://h/x?a=1"');
    expect(snippet).toContain('"body": JSON.stringify({"a":1})');
    expect(snippet).toContain('"content-type": "application/json"');
    // The printed init is valid JavaScript.
    const init = snippet.slice(snippet.indexOf(', {') + 2, snippet.lastIndexOf(');\nconsole'));
    expect(() => new Function(`return ${init}`)).not.toThrow();
  });
});
