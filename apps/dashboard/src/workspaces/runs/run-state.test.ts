import { describe, expect, it } from 'vitest';
import { isFinished, prettyPayload, runtimeMsOf } from './run-state.tsx';

describe('run helpers', () => {
  it('knows which states are final', () => {
    expect(isFinished('Queued')).toBe(false);
    expect(isFinished('Running')).toBe(false);
    expect(isFinished('Succeeded')).toBe(true);
    expect(isFinished('Cancelled')).toBe(true);
  });
  it('measures the runtime only when both ends are known', () => {
    expect(runtimeMsOf('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.250Z')).toBe(1250);
    expect(runtimeMsOf('2026-01-01T00:00:00.000Z', null)).toBeNull();
  });
  it('indents JSON payloads and keeps other text', () => {
    expect(prettyPayload('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyPayload('plain text')).toBe('plain text');
    expect(prettyPayload(null)).toBe('');
  });
});
