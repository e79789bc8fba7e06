import type { StepProtocolRequest } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import {
  isSupportedProtocolVersion,
  normalizeProtocolVersion,
  PROTOCOL_VERSION,
  parseStepResult,
  readStepResult,
  SUPPORTED_PROTOCOL_VERSIONS,
} from './protocol-v1.ts';

const request: StepProtocolRequest = {
  protocolVersion: '1.0',
  tenantId: 'ten_a',
  dataFlowId: 'flow_a',
  flowRunId: 'run_a',
  stepRunId: 'sru_a',
  requestId: 'run_a',
  data: { in: 1 },
  metadata: { from: 'request' },
  previousResult: null,
};

const parse = (document: unknown) => parseStepResult(JSON.stringify(document), request);

describe('protocol versions', () => {
  it('reads a blank or missing version as the current one and a bare major as `.0`', () => {
    expect(PROTOCOL_VERSION).toBe('1.0');
    expect(SUPPORTED_PROTOCOL_VERSIONS).toEqual(['1.0']);
    expect(normalizeProtocolVersion(undefined)).toBe('1.0');
    expect(normalizeProtocolVersion(null)).toBe('1.0');
    expect(normalizeProtocolVersion('   ')).toBe('1.0');
    expect(normalizeProtocolVersion(' 1 ')).toBe('1.0');
    expect(normalizeProtocolVersion('12')).toBe('12.0');
    expect(normalizeProtocolVersion(' V1.5 ')).toBe('v1.5');
    // Only a whole run of digits is a bare major.
    expect(normalizeProtocolVersion('a1')).toBe('a1');
    expect(normalizeProtocolVersion('1a')).toBe('1a');
  });

  it('accepts 1 and 1.0 in any spelling, and nothing else', () => {
    expect(isSupportedProtocolVersion(undefined)).toBe(true);
    expect(isSupportedProtocolVersion('1')).toBe(true);
    expect(isSupportedProtocolVersion(' 1.0 ')).toBe(true);
    expect(isSupportedProtocolVersion('2')).toBe(false);
    expect(isSupportedProtocolVersion('1.1')).toBe(false);
  });
});

describe('parseStepResult', () => {
  it('says where stdout stops being JSON without quoting it', () => {
    expect(parseStepResult('{"token":"s3cret",}', request)).toEqual({
      ok: false,
      message: 'the output is not a JSON document (error at character 18).',
    });
    expect(parseStepResult('s3cret-value', request)).toEqual({
      ok: false,
      message: 'the output is not a JSON document.',
    });
  });

  it('refuses a document that is not an object', () => {
    for (const text of ['[1]', '5', 'null', '"Success"']) {
      expect(parseStepResult(text, request)).toEqual({
        ok: false,
        message: 'the document is not a JSON object.',
      });
    }
  });

  it('refuses another protocol version, in any case of the field name', () => {
    expect(parse({ protocolVersion: '2.0', result: 'Success' })).toEqual({
      ok: false,
      message: "Unsupported Tempo step protocol version '2.0'.",
    });
    expect(parse({ PROTOCOLVERSION: 3, result: 'Success' })).toEqual({
      ok: false,
      message: "Unsupported Tempo step protocol version '3'.",
    });
    expect(parse({ ProtocolVersion: '1', result: 'Success' }).ok).toBe(true);
    expect(parse({ protocolVersion: null, result: 'Success' }).ok).toBe(true);
  });

  it('refuses a result that names another request in any correlation id', () => {
    for (const field of ['tenantId', 'dataFlowId', 'flowRunId', 'stepRunId', 'requestId'] as const) {
      expect(parse({ [field]: 'other', result: 'Success' })).toEqual({
        ok: false,
        message: `${field} 'other' does not match the request.`,
      });
      expect(parse({ [field]: request[field], result: 'Success' }).ok).toBe(true);
      expect(parse({ [field]: null, result: 'Success' }).ok).toBe(true);
    }
  });

  it('reads the result type in any case, a missing one as Success', () => {
    expect(parse({ result: 'error' })).toEqual({
      ok: true,
      result: { result: 'Error', data: null, metadata: { from: 'request' }, errorMessage: null },
    });
    const success = {
      ok: true,
      result: { result: 'Success', data: null, metadata: { from: 'request' }, errorMessage: null },
    };
    expect(parse({})).toEqual(success);
    expect(parse({ result: null })).toEqual(success);
    expect(parse({ result: 'Sucess' })).toEqual({
      ok: false,
      message: "result 'Sucess' is not a step result type.",
    });
    expect(parse({ result: 1 })).toEqual({ ok: false, message: "result '1' is not a step result type." });
  });

  it('finds no field where the document has none of that name', () => {
    // A key spelled "undefined" is not the missing result, exception or data.
    expect(parse({ undefined: 'Error' })).toEqual({
      ok: true,
      result: { result: 'Success', data: null, metadata: { from: 'request' }, errorMessage: null },
    });
  });

  it('takes the exact field name before another spelling of it', () => {
    const parsed = parse({ Result: 'Error', result: 'Timeout', DATA: 'upper', data: 'exact' });
    expect(parsed.ok && parsed.result).toMatchObject({ result: 'Timeout', data: 'exact' });
  });

  it("carries the handler's data, metadata and exception text", () => {
    expect(
      parse({
        Result: 'Exception',
        Data: [1],
        Metadata: { m: 1 },
        Exception: 'it broke',
        exceptionMessage: 'x',
      }),
    ).toEqual({
      ok: true,
      result: { result: 'Exception', data: [1], metadata: { m: 1 }, errorMessage: 'it broke' },
    });
    const fromMessage = parse({ result: 'Exception', exceptionMessage: 'from the message field' });
    expect(fromMessage.ok && fromMessage.result.errorMessage).toBe('from the message field');
    for (const exception of ['', 42, { text: 'no' }]) {
      const parsed = parse({ result: 'Exception', exception });
      expect(parsed.ok && parsed.result.errorMessage).toBeNull();
    }
  });

  it('reads an already parsed value by the same rules', () => {
    expect(readStepResult(null, request)).toEqual({
      ok: false,
      message: 'the document is not a JSON object.',
    });
    expect(readStepResult({ result: 'Success', data: 7 }, request)).toEqual({
      ok: true,
      result: { result: 'Success', data: 7, metadata: { from: 'request' }, errorMessage: null },
    });
  });
});
