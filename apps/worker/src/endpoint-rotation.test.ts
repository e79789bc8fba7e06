import { describe, expect, it } from 'vitest';
import { EndpointRotation } from './endpoint-rotation.ts';

const A = 'http://a:8901';
const B = 'http://b:8901';
const C = 'http://c:8901';
// No jitter: the middle of the ±20% range.
const steady = () => 0.5;

describe('EndpointRotation', () => {
  it('with one endpoint keeps the single-server backoff: base after a lost session, doubling per failed try', () => {
    const rotation = new EndpointRotation([A], 1000, steady);
    expect(rotation.next(true, false)).toBe(1000);
    expect(rotation.current).toBe(A);
    expect([rotation.next(false, false), rotation.next(false, false), rotation.next(false, false)]).toEqual([
      1000, 2000, 4000,
    ]);
    rotation.connected();
    expect(rotation.next(false, false)).toBe(1000);
  });

  it('moves to the next endpoint at once on a refusal, and waits only once a whole round failed', () => {
    const rotation = new EndpointRotation([A, B, C], 1000, steady);
    expect(rotation.next(false, true)).toBe(0);
    expect(rotation.current).toBe(B);
    expect(rotation.next(false, false)).toBe(0);
    expect(rotation.current).toBe(C);
    expect(rotation.next(false, true)).toBe(1000);
    expect(rotation.current).toBe(A);
    // The second failed round waits twice as long.
    rotation.next(false, true);
    rotation.next(false, true);
    expect(rotation.next(false, true)).toBe(2000);
  });

  it('retries a lost session on its own server, and leaves a server that lost the role at once', () => {
    const rotation = new EndpointRotation([A, B], 1000, steady);
    rotation.next(false, true);
    rotation.connected();
    expect(rotation.current).toBe(B);
    expect(rotation.next(true, false)).toBe(1000);
    expect(rotation.current).toBe(B);
    expect(rotation.next(true, true)).toBe(0);
    expect(rotation.current).toBe(A);
  });

  it('tries a repeated endpoint once per round', () => {
    const rotation = new EndpointRotation([A, A, B], 1000, steady);
    expect(rotation.next(false, true)).toBe(0);
    expect(rotation.next(false, true)).toBe(1000);
  });
});
