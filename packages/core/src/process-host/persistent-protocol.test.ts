import type { StepProtocolRequest } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import {
  invokeLine,
  PERSISTENT_PROTOCOL_VARIABLE,
  parseChildFrame,
  runLogLines,
} from './persistent-protocol.ts';

const line = (value: unknown) => parseChildFrame(JSON.stringify(value));

describe('parseChildFrame', () => {
  it('reads the ready line of persistent mode at a version this host speaks', () => {
    expect(PERSISTENT_PROTOCOL_VARIABLE).toBe('TEMPO_PERSISTENT_PROTOCOL');
    expect(line({ type: 'ready', mode: 'persistent', protocolVersion: '1.0' })).toEqual({ type: 'ready' });
    expect(line({ type: 'ready', mode: 'persistent', protocolVersion: 1 })).toEqual({ type: 'ready' });
    // No version is the current one.
    expect(line({ type: 'ready', mode: 'persistent' })).toEqual({ type: 'ready' });
    const refused = { type: 'invalid', message: 'the ready line names another mode or protocol version.' };
    expect(line({ type: 'ready', mode: 'oneshot', protocolVersion: '1.0' })).toEqual(refused);
    expect(line({ type: 'ready', protocolVersion: '1.0' })).toEqual(refused);
    expect(line({ type: 'ready', mode: 'persistent', protocolVersion: '2.0' })).toEqual(refused);
  });

  it('reads a log line at a known level in any case', () => {
    expect(line({ type: 'log', level: 'warn', text: 'careful' })).toEqual({
      type: 'log',
      level: 'WARN',
      text: 'careful',
    });
    for (const level of ['DEBUG', 'INFO', 'ERROR']) {
      expect(line({ type: 'log', level, text: '' })).toEqual({ type: 'log', level, text: '' });
    }
    const refused = { type: 'invalid', message: 'a log line has no known level or no text.' };
    expect(line({ type: 'log', level: 'TRACE', text: 'x' })).toEqual(refused);
    expect(line({ type: 'log', level: 3, text: 'x' })).toEqual(refused);
    expect(line({ type: 'log', level: 'INFO' })).toEqual(refused);
    expect(line({ type: 'log', level: 'INFO', text: 5 })).toEqual(refused);
  });

  it('reads a result line only with a StepResult object', () => {
    expect(line({ type: 'result', result: { result: 'Success' } })).toEqual({
      type: 'result',
      result: { result: 'Success' },
    });
    const refused = { type: 'invalid', message: 'a result line carries no StepResult object.' };
    expect(line({ type: 'result', result: ['Success'] })).toEqual(refused);
    expect(line({ type: 'result', result: null })).toEqual(refused);
    expect(line({ type: 'result' })).toEqual(refused);
  });

  it('calls anything else invalid, saying why', () => {
    expect(parseChildFrame('{"type":')).toEqual({
      type: 'invalid',
      message: 'a line is not a JSON document.',
    });
    for (const value of [[{ type: 'ready' }], null, 'ready', 1]) {
      expect(line(value)).toEqual({ type: 'invalid', message: 'a line is not a JSON object.' });
    }
    expect(line({ type: 'invoke' })).toEqual({
      type: 'invalid',
      message: "a line of unknown type 'invoke'.",
    });
    expect(line({})).toEqual({ type: 'invalid', message: "a line of unknown type 'undefined'." });
  });
});

describe('invokeLine', () => {
  it('writes the request and environment as one terminated line', () => {
    const request = { tenantId: 'ten_a', data: 'two\nlines' } as unknown as StepProtocolRequest;
    const text = invokeLine(request, { TEMPO_STEP_ID: 's' });
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(2);
    expect(JSON.parse(text)).toEqual({ type: 'invoke', request, environment: { TEMPO_STEP_ID: 's' } });
  });
});

describe('runLogLines', () => {
  it('stamps each non-blank line of a log frame in the v1 file format', () => {
    const at = new Date('2026-12-02T10:00:00.000Z');
    expect(runLogLines('INFO', 'first\r\n\n   \nsecond', at)).toBe(
      '2026-12-02T10:00:00.000Z [INFO] first\n2026-12-02T10:00:00.000Z [INFO] second\n',
    );
    expect(runLogLines('WARN', '  indented  ', at)).toBe('2026-12-02T10:00:00.000Z [WARN]   indented  \n');
    expect(runLogLines('INFO', '\n', at)).toBe('');
  });
});
