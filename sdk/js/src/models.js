'use strict';
const { CURRENT, StepResultType, newId, normalizeProtocolVersion } = require('./protocol.js');

/** The first of `names` that `value` has (camelCase or snake_case spelling), else undefined. */
const pick = (value, ...names) => {
  for (const name of names) if (value[name] !== undefined) return value[name];
  return undefined;
};

const orNull = (value) => (value === undefined ? null : value);

const requireObject = (value, what) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${what} must be a JSON object.`);
  return value;
};

/** The fields both documents carry to correlate a result with its request. */
const correlationOf = (value) => ({
  protocolVersion: normalizeProtocolVersion(pick(value, 'protocolVersion', 'protocol_version') ?? CURRENT),
  tenantId: orNull(pick(value, 'tenantId', 'tenant_id')),
  dataFlowId: pick(value, 'dataFlowId', 'data_flow_id') || newId('flow'),
  flowRunId: orNull(pick(value, 'flowRunId', 'flow_run_id')),
  stepRunId: orNull(pick(value, 'stepRunId', 'step_run_id')),
  requestId: pick(value, 'requestId', 'request_id') || newId('req'),
});

/** The one document a host sends a handler. Accepts camelCase or snake_case keys. */
class StepRequest {
  constructor(value = {}) {
    const source = requireObject(value, 'A step request');
    Object.assign(this, correlationOf(source));
    this.data = orNull(source.data);
    this.metadata = orNull(source.metadata);
    const previous = pick(source, 'previousResult', 'previous_result');
    this.previousResult = previous === undefined || previous === null ? null : String(previous);
  }

  /** A request from a parsed object (a StepRequest is returned as it is). */
  static fromObject(value) {
    return value instanceof StepRequest ? value : new StepRequest(value);
  }

  /** A request from JSON text. */
  static fromJson(text) {
    return new StepRequest(JSON.parse(text));
  }

  /** The wire shape, camelCase. */
  toObject() {
    return {
      protocolVersion: this.protocolVersion,
      tenantId: this.tenantId,
      dataFlowId: this.dataFlowId,
      flowRunId: this.flowRunId,
      stepRunId: this.stepRunId,
      requestId: this.requestId,
      data: this.data,
      metadata: this.metadata,
      previousResult: this.previousResult,
    };
  }

  /** Compact JSON of the wire shape. */
  toJson() {
    return JSON.stringify(this.toObject());
  }

  toJSON() {
    return this.toObject();
  }
}

/** The one document a handler answers with. Accepts camelCase or snake_case keys. */
class StepResult {
  constructor(value = {}) {
    const source = requireObject(value, 'A step result');
    Object.assign(this, correlationOf(source));
    const result = source.result;
    this.result =
      result === undefined || result === null || result === '' ? StepResultType.Success : String(result);
    this.data = orNull(source.data);
    this.exception = orNull(pick(source, 'exception', 'exceptionMessage', 'exception_message'));
    this.metadata = orNull(source.metadata);
  }

  /** A result from a parsed object (a StepResult is returned as it is). */
  static fromObject(value) {
    return value instanceof StepResult ? value : new StepResult(value);
  }

  /** A result from JSON text. */
  static fromJson(text) {
    return new StepResult(JSON.parse(text));
  }

  /** The wire shape, camelCase. */
  toObject() {
    return {
      protocolVersion: this.protocolVersion,
      tenantId: this.tenantId,
      dataFlowId: this.dataFlowId,
      flowRunId: this.flowRunId,
      stepRunId: this.stepRunId,
      requestId: this.requestId,
      result: this.result,
      data: this.data,
      exception: this.exception,
      metadata: this.metadata,
    };
  }

  /** Compact JSON of the wire shape. */
  toJson() {
    return JSON.stringify(this.toObject());
  }

  toJSON() {
    return this.toObject();
  }
}

/** Copies the request's version and ids onto `result` and returns it. */
const correlateResult = (result, request) => {
  const target = StepResult.fromObject(result);
  const source = StepRequest.fromObject(request);
  target.protocolVersion = source.protocolVersion;
  target.tenantId = source.tenantId;
  target.dataFlowId = source.dataFlowId;
  target.flowRunId = source.flowRunId;
  target.stepRunId = source.stepRunId;
  target.requestId = source.requestId;
  return target;
};

const resultOf = (type, request, data, metadata) => {
  const source = StepRequest.fromObject(request);
  return correlateResult(
    new StepResult({
      result: type,
      data: data === undefined ? null : data,
      metadata: metadata === undefined ? source.metadata : metadata,
    }),
    source,
  );
};

/** A Success result for `request`; metadata defaults to the request's. */
const success = (request, data, metadata) => resultOf(StepResultType.Success, request, data, metadata);

/** An Error result (an expected failure, routed through failure transitions). */
const error = (request, data, metadata) => resultOf(StepResultType.Error, request, data, metadata);

/**
 * An Exception result carrying the error's message; without a request (it could not be read)
 * the flow is `unknown` and the request id a fresh one.
 */
const exceptionResult = (request, failure, metadata) => {
  const message = failure instanceof Error ? failure.message : String(failure);
  if (request === null || request === undefined) {
    return new StepResult({
      dataFlowId: 'unknown',
      requestId: newId('req'),
      result: StepResultType.Exception,
      exception: message,
      metadata: metadata === undefined ? null : metadata,
    });
  }
  const result = resultOf(StepResultType.Exception, request, null, metadata);
  result.exception = message;
  return result;
};

module.exports = { StepRequest, StepResult, correlateResult, success, error, exceptionResult };
