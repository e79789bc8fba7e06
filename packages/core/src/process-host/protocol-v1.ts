import { type StepProtocolRequest, StepResultType } from '@tempo/contracts';
import type { StepResult } from '../runtimes/step-protocol.ts';

/** The protocol version this host speaks. */
export const PROTOCOL_VERSION = '1.0';

/** Every protocol version this host accepts, for `TEMPO_SUPPORTED_PROTOCOL_VERSIONS`. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = [PROTOCOL_VERSION];

/** Blank or missing means the current version; `1` means `1.0`; otherwise lower-cased as given. */
export const normalizeProtocolVersion = (version: string | null | undefined): string => {
  const trimmed = (version ?? '').trim().toLowerCase();
  if (trimmed === '') return PROTOCOL_VERSION;
  return /^\d+$/.test(trimmed) ? `${trimmed}.0` : trimmed;
};

/** Whether this host speaks `version`. */
export const isSupportedProtocolVersion = (version: string | null | undefined): boolean =>
  SUPPORTED_PROTOCOL_VERSIONS.includes(normalizeProtocolVersion(version));

const CORRELATION_FIELDS = ['tenantId', 'dataFlowId', 'flowRunId', 'stepRunId', 'requestId'] as const;

/** A handler's stdout read as a StepResult, or why it is not one. */
export type ParsedStepResult =
  | { readonly ok: true; readonly result: StepResult }
  | { readonly ok: false; readonly message: string };

/** Property lookup ignoring case, as the spec's host reads the wire. */
const property = (object: Record<string, unknown>, name: string): unknown => {
  if (name in object) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
};

const resultTypeOf = (value: unknown): StepResultType | null => {
  // SDKs default a missing result to Success.
  if (value === undefined || value === null) return 'Success';
  if (typeof value !== 'string') return null;
  return StepResultType.options.find((option) => option.toLowerCase() === value.toLowerCase()) ?? null;
};

/**
 * Why stdout is not JSON, without quoting it: the parser's own message quotes the start of the
 * text, cut at a length that can leave half a secret no redaction recognises.
 */
const notJsonMessage = (error: unknown): string => {
  // Stryker disable next-line StringLiteral: JSON.parse throws only SyntaxErrors, so the message is always an Error's.
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  return position === undefined
    ? 'the output is not a JSON document.'
    : `the output is not a JSON document (error at character ${position}).`;
};

/**
 * Reads a handler's whole stdout as one StepResult. The result must echo the request's version
 * and, where it names them, its correlation ids: a result for another request is refused.
 */
export const parseStepResult = (stdout: string, request: StepProtocolRequest): ParsedStepResult => {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch (error) {
    return { ok: false, message: notJsonMessage(error) };
  }
  return readStepResult(value, request);
};

/** A parsed JSON value read as a StepResult, by the rules of {@link parseStepResult}. */
export const readStepResult = (value: unknown, request: StepProtocolRequest): ParsedStepResult => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'the document is not a JSON object.' };
  }
  const document = value as Record<string, unknown>;
  const version = property(document, 'protocolVersion');
  if (version !== undefined && version !== null && !isSupportedProtocolVersion(String(version))) {
    return { ok: false, message: `Unsupported Tempo step protocol version '${String(version)}'.` };
  }
  for (const field of CORRELATION_FIELDS) {
    const echoed = property(document, field);
    if (echoed !== undefined && echoed !== null && echoed !== request[field]) {
      return { ok: false, message: `${field} '${String(echoed)}' does not match the request.` };
    }
  }
  const resultValue = property(document, 'result');
  const result = resultTypeOf(resultValue);
  if (result === null)
    return { ok: false, message: `result '${String(resultValue)}' is not a step result type.` };
  const exception = property(document, 'exception') ?? property(document, 'exceptionMessage');
  return {
    ok: true,
    result: {
      result,
      data: property(document, 'data') ?? null,
      metadata: property(document, 'metadata') ?? request.metadata,
      errorMessage: typeof exception === 'string' && exception !== '' ? exception : null,
    },
  };
};
