import { HelloFrame } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { heartbeatIntervalOf, helloTermsOf, isSupportedProtocolVersion } from './hello-terms.ts';

const helloWith = (fields: object) =>
  HelloFrame.parse({
    type: 'hello',
    protocolVersion: '1.0',
    workerId: 'wrk_one',
    name: 'one',
    maxConcurrentRuns: 1,
    maxTaskTimeoutMs: 0,
    ...fields,
  });

describe('helloTermsOf', () => {
  it('floors maxConcurrentRuns at 1 and keeps the timeout within 0 and a day', () => {
    expect(helloTermsOf(helloWith({ maxConcurrentRuns: 0, maxTaskTimeoutMs: -5 }))).toMatchObject({
      maxConcurrentRuns: 1,
      maxTaskTimeoutMs: 0,
    });
    expect(helloTermsOf(helloWith({ maxConcurrentRuns: 10_000, maxTaskTimeoutMs: 1e12 }))).toMatchObject({
      maxConcurrentRuns: 1024,
      maxTaskTimeoutMs: 86_400_000,
    });
  });

  it('trims labels and drops blanks and repeats ignoring case', () => {
    expect(helloTermsOf(helloWith({ labels: [' gpu ', 'GPU', '', 'linux'] })).labels).toEqual([
      'gpu',
      'linux',
    ]);
  });

  it('deduplicates capabilities and fills their wildcards', () => {
    const capability = { sourceKind: 'Artifact', runtimeKey: 'Artifact.Process' };
    const terms = helloTermsOf(helloWith({ capabilities: [capability, capability] }));
    expect(terms.capabilities).toEqual([
      {
        executionKey: '*',
        tenantScope: '*',
        sourceKind: 'Artifact',
        runtimeKey: 'Artifact.Process',
        signatureHash: '*',
      },
    ]);
  });

  it('names a worker by its id when the hello gives a blank name', () => {
    expect(helloTermsOf(helloWith({ name: '  ' })).name).toBe('wrk_one');
  });
});

describe('heartbeatIntervalOf', () => {
  it('follows the spec formula', () => {
    expect(heartbeatIntervalOf({ pollIntervalMs: 1000, workerHeartbeatTimeoutMs: 30_000 })).toBe(1000);
    expect(heartbeatIntervalOf({ pollIntervalMs: 5000, workerHeartbeatTimeoutMs: 4000 })).toBe(2000);
    expect(heartbeatIntervalOf({ pollIntervalMs: 100, workerHeartbeatTimeoutMs: 1000 })).toBe(1000);
  });
});

describe('isSupportedProtocolVersion', () => {
  it('takes 1.x and refuses the rest', () => {
    expect(isSupportedProtocolVersion('1.0')).toBe(true);
    expect(isSupportedProtocolVersion('1.3')).toBe(true);
    expect(isSupportedProtocolVersion('2.0')).toBe(false);
    expect(isSupportedProtocolVersion('')).toBe(false);
  });
});
