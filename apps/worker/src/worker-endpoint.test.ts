import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './backoff.ts';
import { artifactDownloadUrlOf, connectUrlOf } from './worker-endpoint.ts';

describe('connectUrlOf', () => {
  it('derives ws:// or wss:// and forces the connect path', () => {
    expect(connectUrlOf('http://127.0.0.1:8901')).toBe('ws://127.0.0.1:8901/v1.0/workers/connect');
    expect(connectUrlOf('https://tempo.example/base/path?x=1')).toBe(
      'wss://tempo.example/v1.0/workers/connect',
    );
  });
});

describe('artifactDownloadUrlOf', () => {
  it('builds the worker-scoped download route with the grant in the query', () => {
    expect(
      artifactDownloadUrlOf('http://h:1/x', 'ten_1', 'ab'.repeat(32), {
        runAssignmentId: 'ras_1',
        leaseToken: 'non_1',
      }),
    ).toBe(
      `http://h:1/v1.0/workers/artifacts/ten_1/blobs/${'ab'.repeat(32)}/download?runAssignmentId=ras_1&leaseToken=non_1`,
    );
  });
});

describe('reconnectDelayMs', () => {
  it('starts at the base, doubles per failed attempt, jitters by ±20% and is capped', () => {
    expect(reconnectDelayMs(0, 5000, () => 0.5)).toBe(5000);
    expect(reconnectDelayMs(0, 5000, () => 0)).toBe(4000);
    expect(reconnectDelayMs(0, 5000, () => 1)).toBe(6000);
    expect(reconnectDelayMs(2, 5000, () => 0.5)).toBe(20_000);
    expect(reconnectDelayMs(50, 5000, () => 1)).toBe(60_000);
    expect(reconnectDelayMs(0, 1000, () => 0)).toBe(1000);
  });
});
