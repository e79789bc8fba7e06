import { describe, expect, it } from 'vitest';
import { readHello, readWorkerFrame } from './frame-reader.ts';

const hello = {
  type: 'hello',
  protocolVersion: '1.0',
  workerId: 'wrk_one',
  name: 'one',
  maxConcurrentRuns: 2,
  maxTaskTimeoutMs: 0,
};

describe('readHello', () => {
  it('reads a hello and fills its defaults', () => {
    const reading = readHello(JSON.stringify(hello));
    expect(reading).toMatchObject({ ok: true, frame: { workerId: 'wrk_one', labels: [], capabilities: [] } });
  });

  it.each([
    ['not JSON', '{nope', 'not JSON'],
    ['another type first', JSON.stringify({ type: 'heartbeat' }), 'first frame has type "heartbeat"'],
    ['no type', '[1,2]', 'first frame has type null'],
    ['a hello without its fields', JSON.stringify({ type: 'hello' }), 'protocolVersion'],
  ])('refuses %s', (_label, text, problem) => {
    const reading = readHello(text);
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.problem).toContain(problem);
  });
});

describe('readWorkerFrame', () => {
  it('reads a heartbeat', () => {
    const frame = {
      type: 'heartbeat',
      workerId: 'wrk_one',
      workerSessionId: 'wse_1',
      activeRuns: 1,
      sentUtc: new Date().toISOString(),
    };
    expect(readWorkerFrame(JSON.stringify(frame))).toMatchObject({ ok: true, frame: { activeRuns: 1 } });
  });

  it.each([
    ['not JSON', 'garbage', 'not JSON'],
    ['no type', JSON.stringify({ workerId: 'wrk_one' }), 'no type'],
    ['a non-string type', JSON.stringify({ type: 7 }), 'no type'],
    ['an unknown type', JSON.stringify({ type: 'launch-missiles' }), 'unknown type "launch-missiles"'],
    ['a server frame', JSON.stringify({ type: 'drain', workerId: 'wrk_one', message: 'x' }), 'unknown type'],
    ['a bad shape', JSON.stringify({ type: 'heartbeat', workerId: 'wrk_one' }), 'heartbeat:'],
  ])('refuses %s', (_label, text, problem) => {
    const reading = readWorkerFrame(text);
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.problem).toContain(problem);
  });
});
