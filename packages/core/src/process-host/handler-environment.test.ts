import { describe, expect, it } from 'vitest';
import { buildHandlerEnvironment, redactSecrets } from './handler-environment.ts';

const source = {
  PATH: '/usr/bin',
  HOME: '/root',
  DB_PASSWORD: 'hunter22',
  API_TOKEN: 'tok-123456',
  SHORT: 'abc',
  FOUR: 'abcd',
  HOST_KEY: 'host-key-value',
  TEMPO_STEP_ID: 'from-the-server',
};

describe('buildHandlerEnvironment', () => {
  it('passes the base variables, the allowed requested names and the fixed ones, nothing else', () => {
    const { env, secretValues } = buildHandlerEnvironment({
      source,
      operatorAllowList: ['API_TOKEN', 'HOME', 'MISSING'],
      requestedNames: ['API_TOKEN', 'DB_PASSWORD', 'MISSING'],
      fixed: { TEMPO_PROTOCOL_VERSION: '1.0' },
    });
    expect(env).toEqual({ PATH: '/usr/bin', API_TOKEN: 'tok-123456', TEMPO_PROTOCOL_VERSION: '1.0' });
    expect(secretValues).toEqual(['tok-123456']);
  });

  it('passes operator-owned names unasked, and lets the fixed variables win', () => {
    const { env, secretValues } = buildHandlerEnvironment({
      source,
      operatorAllowList: ['TEMPO_STEP_ID'],
      requestedNames: ['TEMPO_STEP_ID'],
      operatorPassedNames: ['HOST_KEY', 'MISSING'],
      fixed: { TEMPO_STEP_ID: 'fixed' },
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOST_KEY: 'host-key-value', TEMPO_STEP_ID: 'fixed' });
    expect(secretValues).toEqual(['from-the-server', 'host-key-value']);
  });

  it('scrubs values of four characters or more only', () => {
    const { env, secretValues } = buildHandlerEnvironment({
      source,
      operatorAllowList: ['SHORT', 'FOUR'],
      requestedNames: ['SHORT', 'FOUR'],
      fixed: {},
    });
    expect(env).toMatchObject({ SHORT: 'abc', FOUR: 'abcd' });
    expect(secretValues).toEqual(['abcd']);
  });

  it('leaves out a base variable the server does not have', () => {
    const { env } = buildHandlerEnvironment({
      source: {},
      operatorAllowList: [],
      requestedNames: [],
      fixed: {},
    });
    expect(Object.keys(env)).toEqual([]);
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence, the longest secret first', () => {
    const secrets = ['abcd', 'abcdefgh'];
    expect(redactSecrets('x abcdefgh y abcd z abcdefgh', secrets)).toBe(
      'x [redacted] y [redacted] z [redacted]',
    );
    expect(secrets).toEqual(['abcd', 'abcdefgh']);
    expect(redactSecrets('nothing here', secrets)).toBe('nothing here');
    expect(redactSecrets('abcd', [])).toBe('abcd');
  });
});
