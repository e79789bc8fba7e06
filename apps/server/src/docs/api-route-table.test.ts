import { describe, expect, it } from 'vitest';
import { apiRouteTableOf, withRouteTable } from './api-route-table.ts';
import type { OpenApiDocumentLike } from './openapi-operations.ts';

const document: OpenApiDocumentLike = {
  info: { title: 'Tempo', version: '0.0.0' },
  tags: [{ name: 'Steps' }, { name: 'Service' }],
  paths: {
    '/': {
      get: { operationId: 'readServerInfo', tags: ['Service'], summary: 'Server | version', security: [] },
    },
    '/v1.0/tenants/{tenantId}/steps': {
      get: { operationId: 'listSteps', tags: ['Steps'], summary: 'List steps', security: [{ bearer: [] }] },
      post: {
        operationId: 'createStep',
        tags: ['Steps'],
        summary: 'Create a step',
        security: [{ bearer: [] }],
      },
    },
  },
};

describe('apiRouteTableOf', () => {
  const table = apiRouteTableOf(document);

  it('writes one row per operation under its tag, in the document tag order', () => {
    expect(table).toContain('3 operations');
    expect(table.indexOf('### Steps')).toBeLessThan(table.indexOf('### Service'));
    expect(table).toContain('| GET | `/v1.0/tenants/{tenantId}/steps` | `listSteps` | List steps | yes |');
    expect(table).toContain(
      '| POST | `/v1.0/tenants/{tenantId}/steps` | `createStep` | Create a step | yes |',
    );
  });

  it('escapes pipes in summaries and marks public operations', () => {
    expect(table).toContain('| GET | `/` | `readServerInfo` | Server \\| version | no |');
  });
});

describe('withRouteTable', () => {
  it('replaces only what lies between the markers, markers included', () => {
    const page = `# API\n\n${apiRouteTableOf({ ...document, paths: {} })}\n\n## After\n`;
    const updated = withRouteTable(page, apiRouteTableOf(document));
    expect(updated.startsWith('# API\n\n<!-- route-table:begin')).toBe(true);
    expect(updated.endsWith('<!-- route-table:end -->\n\n## After\n')).toBe(true);
    expect(updated).toContain('`createStep`');
    expect(withRouteTable(updated, apiRouteTableOf(document))).toBe(updated);
  });

  it('refuses a page without markers instead of losing the table', () => {
    expect(() => withRouteTable('# API\n', apiRouteTableOf(document))).toThrow('route-table markers');
  });
});
