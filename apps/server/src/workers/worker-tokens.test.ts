import { describe, expect, it } from 'vitest';
import { issueWorkerToken, sameSecret, workerTokenMatches } from './worker-tokens.ts';

const KEY = 'unit-test-credential-hash-key';

describe('worker tokens', () => {
  it('issues a key_ token of 32 characters and keeps only a keyed hash of it', () => {
    const issued = issueWorkerToken(KEY);
    expect(issued.token).toMatch(/^key_[0-9A-Za-z]{28}$/);
    expect(issued.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(issued.tokenHash).not.toContain(issued.token);
    expect(issueWorkerToken(KEY).token).not.toBe(issued.token);
  });

  it('matches the token it issued and nothing else', () => {
    const issued = issueWorkerToken(KEY);
    expect(workerTokenMatches(issued.token, issued.tokenHash, KEY)).toBe(true);
    expect(workerTokenMatches(`${issued.token}x`, issued.tokenHash, KEY)).toBe(false);
    expect(workerTokenMatches(issued.token, issued.tokenHash, 'another-hash-key')).toBe(false);
    expect(workerTokenMatches('', issued.tokenHash, KEY)).toBe(false);
    expect(workerTokenMatches(issued.token, null, KEY)).toBe(false);
    // The hash itself is not a token.
    expect(workerTokenMatches(issued.tokenHash, issued.tokenHash, KEY)).toBe(false);
  });

  it('compares secrets of any length without throwing', () => {
    expect(sameSecret('non_abc', 'non_abc')).toBe(true);
    expect(sameSecret('non_abc', 'non_abd')).toBe(false);
    expect(sameSecret('non_abc', 'non_abcd')).toBe(false);
  });
});
