import { describe, expect, it } from 'vitest';
import { TOOL_CATALOG } from './tool-catalog.ts';

const tool = (name: string) => {
  const found = TOOL_CATALOG.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found.inputSchema;
};

describe('TOOL_CATALOG', () => {
  it('has unique names and a description of some substance for each tool', () => {
    const names = TOOL_CATALOG.map((candidate) => candidate.name);
    expect(new Set(names).size).toBe(names.length);
    for (const candidate of TOOL_CATALOG)
      expect(candidate.description.length, candidate.name).toBeGreaterThan(40);
  });

  it('gives tenantId to every tenant-scoped tool and to no global one', () => {
    const global = new Set([
      'tempo_health',
      'tempo_me',
      'tempo_settings_meta',
      'tempo_request',
      'tenant_list',
      'tenant_get',
      'step_registered',
      'trigger_fire',
      'runtime_list',
      'runtime_get',
      'runtime_external_execution',
    ]);
    for (const candidate of TOOL_CATALOG) {
      const scoped = 'tenantId' in candidate.inputSchema.shape;
      const admin = /Worker|Log/.test(candidate.name);
      expect(scoped, candidate.name).toBe(!global.has(candidate.name) && !admin);
    }
  });

  it("keeps tempo_request on the connected server's API", () => {
    const request = tool('tempo_request');
    const allowed = (path: string) => request.safeParse({ method: 'GET', path }).success;
    expect(
      ['/', '/v1.0/me', '/v1.0/tenants/ten_1/runs?pageSize=5', '/v1.0/triggers/http/trg_1'].map(allowed),
    ).toEqual([true, true, true, true]);
    expect(
      [
        'https://elsewhere.example/v1.0/me',
        '//elsewhere.example/v1.0/me',
        '/openapi.json',
        '/v1.0/../openapi.json',
        '/v1.0/%2E%2E/openapi.json',
        '/v1.0/.%2e/x',
        '/v1.0\\..\\x',
        '/v1.0/a b',
        'v1.0/me',
      ].map(allowed),
    ).toEqual([false, false, false, false, false, false, false, false, false]);
  });
});
