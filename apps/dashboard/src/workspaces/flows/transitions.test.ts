import { describe, expect, it } from 'vitest';
import { curlCommand, triggerUrl } from './curl-guidance.ts';
import {
  addStep,
  connect,
  disconnect,
  edgesOf,
  emptyTransition,
  layoutOf,
  removeStep,
} from './transitions.ts';

const chain = connect(connect(addStep({}, 'a'), 'a', 'onSuccess', 'b'), 'a', 'onFailure', 'c');

describe('transitions', () => {
  it('connects steps and lists one edge per set outcome', () => {
    expect(Object.keys(chain)).toEqual(['a', 'b', 'c']);
    expect(edgesOf(chain)).toEqual([
      { id: 'a:onSuccess', source: 'a', target: 'b', kind: 'onSuccess' },
      { id: 'a:onFailure', source: 'a', target: 'c', kind: 'onFailure' },
    ]);
  });
  it('replaces an outcome instead of adding a second one', () => {
    const moved = connect(chain, 'a', 'onSuccess', 'c');
    expect(moved.a?.onSuccess).toBe('c');
    expect(edgesOf(moved)).toHaveLength(2);
  });
  it('removes a step with the arrows that led to it', () => {
    const without = removeStep(chain, 'b');
    expect(Object.keys(without)).toEqual(['a', 'c']);
    expect(without.a?.onSuccess).toBeNull();
    expect(without.a?.onFailure).toBe('c');
  });
  it('clears one outcome', () => {
    expect(disconnect(chain, 'a', 'onFailure').a?.onFailure).toBeNull();
    expect(disconnect(chain, 'missing', 'onFailure')).toBe(chain);
  });
  it('lays steps out breadth first from the start, strays last', () => {
    const withStray = { ...chain, stray: emptyTransition() };
    expect(layoutOf(withStray, 'a')).toEqual({
      a: { column: 0, row: 0 },
      b: { column: 1, row: 0 },
      c: { column: 1, row: 1 },
      stray: { column: 2, row: 0 },
    });
  });
});

describe('curlCommand', () => {
  const base = { serverUrl: 'http://localhost:8901/', triggerId: 'trg_1', body: '{"value":1}' } as const;
  it('needs only the trigger id for a public flow', () => {
    expect(curlCommand({ ...base, method: 'POST', authMode: 'Public', shell: 'posix' })).toBe(
      `curl -X POST 'http://localhost:8901/v1.0/triggers/http/trg_1' -H 'Content-Type: application/json' -d '{"value":1}'`,
    );
  });
  it('adds the bearer header for an API-authenticated flow, quoted for Windows', () => {
    expect(curlCommand({ ...base, method: 'GET', authMode: 'ApiAuthenticated', shell: 'windows' })).toBe(
      'curl.exe -X GET "http://localhost:8901/v1.0/triggers/http/trg_1" -H "Authorization: Bearer <token>"',
    );
  });
  it('escapes quotes of the body for each shell', () => {
    const body = `{"name":"O'Brien"}`;
    expect(curlCommand({ ...base, body, method: 'POST', authMode: 'Public', shell: 'posix' })).toContain(
      `-d '{"name":"O'\\''Brien"}'`,
    );
    expect(curlCommand({ ...base, body, method: 'POST', authMode: 'Public', shell: 'windows' })).toContain(
      `-d "{\\"name\\":\\"O'Brien\\"}"`,
    );
  });
  it('builds the trigger URL without a doubled slash', () => {
    expect(triggerUrl('http://h:1//', 'a b')).toBe('http://h:1/v1.0/triggers/http/a%20b');
  });
  it('keeps the placeholder readable while the flow has no trigger', () => {
    expect(curlCommand({ ...base, triggerId: null, method: 'GET', authMode: 'Public', shell: 'posix' })).toBe(
      `curl -X GET 'http://localhost:8901/v1.0/triggers/http/<triggerId>'`,
    );
  });
});
