import { describe, expect, it } from 'vitest';
import {
  isCredentialHeader,
  mapRestCall,
  mapSnapshotText,
  mapTransitions,
  restoreRestCall,
  restoreTransitions,
} from './rest-secrets.ts';

const hide = () => '****';

describe('REST call secrets', () => {
  it('treats credential-named headers as secrets, others as plain', () => {
    for (const name of ['Authorization', 'x-api-key', 'Cookie', 'X-Amz-Security-Token', 'x-functions-key'])
      expect(isCredentialHeader(name), name).toBe(true);
    for (const name of ['Content-Type', 'Accept', 'User-Agent', 'x-request-id'])
      expect(isCredentialHeader(name), name).toBe(false);
  });

  it('maps only credential values of calls, and returns the same object when nothing changes', () => {
    const call = { url: 'https://example.test', headers: { Authorization: 'Bearer s', Accept: 'json' } };
    expect(mapRestCall(call, hide)).toEqual({
      url: call.url,
      headers: { Authorization: '****', Accept: 'json' },
    });
    expect(call.headers.Authorization).toBe('Bearer s');
    const plain = { url: 'https://example.test', headers: { Accept: 'json' } };
    expect(mapRestCall(plain, hide)).toBe(plain);
    expect(mapRestCall({ runtimeKey: 'Builtin.Method', identifier: 'x' }, hide)).toEqual({
      runtimeKey: 'Builtin.Method',
      identifier: 'x',
    });
    expect(mapRestCall(null, hide)).toBeNull();
  });

  it('maps inline REST nodes and snapshots, never the run metadata', () => {
    const rest = { url: 'https://example.test', headers: { 'x-api-key': 'k-123' } };
    const transitions = { a: { rest, onSuccess: null }, b: { rest: null } };
    expect(mapTransitions(transitions, hide).a.rest?.headers['x-api-key']).toBe('****');
    const snapshot = JSON.stringify({
      flow: { transitions },
      steps: { c: { runtimeConfig: { runtimeKey: 'External.Rest', ...rest } } },
      metadata: { url: 'u', headers: { authorization: 'caller data' } },
    });
    const mapped = JSON.parse(mapSnapshotText(snapshot, hide, '"headers"'));
    expect(mapped.flow.transitions.a.rest.headers['x-api-key']).toBe('****');
    expect(mapped.steps.c.runtimeConfig.headers['x-api-key']).toBe('****');
    expect(mapped.metadata.headers.authorization).toBe('caller data');
    expect(mapSnapshotText('{"flow":{}}', hide, '"headers"')).toBe('{"flow":{}}');
  });

  it('restores placeholders sent back from the stored values of the same header, ignoring case', () => {
    const stored = { url: 'u', headers: { Authorization: 'Bearer kept' } };
    expect(restoreRestCall({ url: 'u', headers: { authorization: '****' } }, stored, '****')).toEqual({
      url: 'u',
      headers: { authorization: 'Bearer kept' },
    });
    expect(restoreRestCall({ url: 'u', headers: { Authorization: 'new' } }, stored, '****').headers).toEqual({
      Authorization: 'new',
    });
    expect(
      restoreTransitions(
        { a: { rest: { url: 'u', headers: { Authorization: '****' } } } },
        { a: { rest: stored } },
        '****',
      ).a.rest.headers.Authorization,
    ).toBe('Bearer kept');
  });

  it('refuses to keep a stored credential for a call whose URL or method changed', () => {
    const stored = { method: 'GET', url: 'https://api.test/v1', headers: { Authorization: 'Bearer kept' } };
    const moved = { method: 'GET', url: 'https://attacker.test/steal', headers: { Authorization: '****' } };
    expect(() => restoreRestCall(moved, stored, '****')).toThrow(/send the credential again/);
    const posted = { method: 'POST', url: 'https://api.test/v1', headers: { Authorization: '****' } };
    expect(() => restoreRestCall(posted, stored, '****')).toThrow(/method and URL/);
    expect(() => restoreTransitions({ a: { rest: moved } }, { a: { rest: stored } }, '****')).toThrow(
      /send the credential again/,
    );
    // A new value for a moved call is the caller's own credential: nothing stored is used.
    const fresh = { ...moved, headers: { Authorization: 'Bearer mine' } };
    expect(restoreRestCall(fresh, stored, '****')).toBe(fresh);
  });
});
