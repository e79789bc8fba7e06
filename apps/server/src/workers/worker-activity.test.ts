import { describe, expect, it } from 'vitest';
import { activityRow, MAX_ACTIVITY_MESSAGE_CHARS, MAX_ACTIVITY_PAYLOAD_BYTES } from './worker-activity.ts';

const entry = (payload: unknown) => ({
  workerId: 'wrk_a',
  eventType: 'orphan_completion',
  severity: 'Warning' as const,
  payload,
});

describe('activityRow', () => {
  it('stores a payload as JSON text', () => {
    expect(activityRow(entry({ flowRunId: 'run_1', finalState: 'Succeeded' })).payloadJson).toBe(
      '{"flowRunId":"run_1","finalState":"Succeeded"}',
    );
    expect(activityRow(entry(undefined)).payloadJson).toBeNull();
  });

  it('keeps a payload of exactly the limit and stores only the size of a larger one', () => {
    const atLimit = { data: 'x'.repeat(MAX_ACTIVITY_PAYLOAD_BYTES - '{"data":""}'.length) };
    expect(activityRow(entry(atLimit)).payloadJson).toBe(JSON.stringify(atLimit));
    const frame = { outputData: 'A'.repeat(16 * 1024 * 1024) };
    const stored = activityRow(entry(frame)).payloadJson ?? '';
    expect(JSON.parse(stored)).toEqual({ truncated: true, bytes: JSON.stringify(frame).length });
    expect(stored.length).toBeLessThan(100);
  });

  it('keeps a message of exactly the limit and cuts a longer one, marking the cut', () => {
    const atLimit = 'm'.repeat(MAX_ACTIVITY_MESSAGE_CHARS);
    expect(activityRow({ ...entry(undefined), message: atLimit }).message).toBe(atLimit);
    const stored = activityRow({ ...entry(undefined), message: 'r'.repeat(16 * 1024 * 1024) }).message ?? '';
    expect(stored).toHaveLength(MAX_ACTIVITY_MESSAGE_CHARS);
    expect(stored.endsWith('…')).toBe(true);
    expect(activityRow({ ...entry(undefined), message: null }).message).toBeNull();
  });
});
