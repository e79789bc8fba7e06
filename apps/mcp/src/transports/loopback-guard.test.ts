import { describe, expect, it } from 'vitest';
import { isLoopbackName, loopbackRequestAllowed } from './loopback-guard.ts';

describe('loopbackRequestAllowed', () => {
  it('lets clients that are not browsers in (no Origin), on loopback host names', () => {
    expect(loopbackRequestAllowed('127.0.0.1:8910', undefined)).toBe(true);
    expect(loopbackRequestAllowed('localhost:8910', undefined)).toBe(true);
    expect(loopbackRequestAllowed('[::1]:8910', undefined)).toBe(true);
    expect(loopbackRequestAllowed(undefined, undefined)).toBe(true);
  });

  it('lets a page served from loopback in (the dashboard)', () => {
    expect(loopbackRequestAllowed('127.0.0.1:8910', 'http://localhost:3000')).toBe(true);
  });

  it('refuses DNS rebinding and cross-site pages', () => {
    expect(loopbackRequestAllowed('attacker.example:8910', undefined)).toBe(false);
    expect(loopbackRequestAllowed('127.0.0.1:8910', 'https://attacker.example')).toBe(false);
    expect(loopbackRequestAllowed('127.0.0.1:8910', 'null')).toBe(false);
    expect(loopbackRequestAllowed('127.0.0.1.attacker.example', undefined)).toBe(false);
  });
});

describe('isLoopbackName', () => {
  it('knows loopback binds from the others', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].map(isLoopbackName)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.test'].map(isLoopbackName)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
