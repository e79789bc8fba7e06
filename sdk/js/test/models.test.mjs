import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import * as esm from '@tempo/sdk';

const cjs = createRequire(import.meta.url)('@tempo/sdk');
const { StepRequest, StepResult, correlateResult, error, exceptionResult, step, success } = esm;

describe('models and helpers', () => {
  it('exposes the same surface to import and require', () => {
    assert.deepEqual(
      Object.keys(esm)
        .filter((name) => name !== 'default')
        .sort(),
      Object.keys(cjs).sort(),
    );
    assert.equal(esm.StepRequest, cjs.StepRequest);
  });

  it('reads camelCase and snake_case and generates missing ids', () => {
    const request = new StepRequest({ tenant_id: 'ten_1', flowRunId: 'run_1', previous_result: 'Error' });
    assert.equal(request.tenantId, 'ten_1');
    assert.equal(request.flowRunId, 'run_1');
    assert.equal(request.previousResult, 'Error');
    assert.match(request.dataFlowId, /^flow_/);
    assert.equal(request.dataFlowId.length, 32);
    assert.equal(request.requestId.length, 32);
    assert.deepEqual(StepRequest.fromJson(request.toJson()), request);
  });

  it('reads exceptionMessage, defaults result to Success, and writes camelCase', () => {
    const result = StepResult.fromObject({
      exceptionMessage: 'boom',
      data_flow_id: 'flow_x',
      request_id: 'req_x',
    });
    assert.equal(result.result, 'Success');
    assert.equal(result.exception, 'boom');
    assert.deepEqual(Object.keys(JSON.parse(result.toJson())), [
      'protocolVersion',
      'tenantId',
      'dataFlowId',
      'flowRunId',
      'stepRunId',
      'requestId',
      'result',
      'data',
      'exception',
      'metadata',
    ]);
  });

  it('correlates helpers with the request and defaults metadata to its metadata', () => {
    const request = new StepRequest({
      dataFlowId: 'flow_a',
      requestId: 'req_a',
      tenantId: 'ten_a',
      metadata: { m: 1 },
    });
    assert.deepEqual(success(request, 5).toObject().metadata, { m: 1 });
    assert.equal(error(request, 5, { own: true }).result, 'Error');
    assert.deepEqual(error(request, 5, { own: true }).metadata, { own: true });
    const correlated = correlateResult(new StepResult({ dataFlowId: 'flow_b' }), request);
    assert.equal(correlated.dataFlowId, 'flow_a');
    assert.equal(correlated.tenantId, 'ten_a');
    assert.equal(exceptionResult(request, new Error('bad')).exception, 'bad');
    assert.equal(exceptionResult(null, 'text').dataFlowId, 'unknown');
  });

  it('normalizes versions and refuses unknown ones', () => {
    assert.equal(esm.normalizeProtocolVersion(null), '1.0');
    assert.equal(esm.isSupportedProtocolVersion(' 1.0 '), true);
    assert.throws(
      () => new StepRequest({ protocolVersion: '9' }),
      /Unsupported Tempo step protocol version '9'\./,
    );
  });

  it('step() handlers called by the engine shim get a context and answer a StepResult', async () => {
    const handler = step((request) => {
      const context = esm.getCurrentExecutionContext();
      return {
        requestId: context.requestId,
        stepId: context.stepId,
        isRequest: request instanceof StepRequest,
      };
    });
    assert.equal(handler.__tempoStep, true);
    process.env.TEMPO_STEP_ID = 'shim.step';
    try {
      const result = await handler({ dataFlowId: 'flow_s', requestId: 'req_s' });
      assert.ok(result instanceof StepResult);
      assert.deepEqual(result.data, { requestId: 'req_s', stepId: 'shim.step', isRequest: true });
      assert.equal(esm.getCurrentExecutionContext(), null);
    } finally {
      delete process.env.TEMPO_STEP_ID;
    }
  });

  it('logger writes non-blank lines through its target', () => {
    const seen = [];
    const logger = new esm.TempoStepLogger((level, lines) => seen.push([level, lines]));
    logger.warn('a\n\nb', 3);
    logger.info('   ');
    assert.deepEqual(seen, [['WARN', ['a', 'b 3']]]);
    assert.throws(() => logger.write('TRACE', 'x'), /Unknown log level/);
  });
});
