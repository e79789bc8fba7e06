import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { requestOf, runOnce } from './child.mjs';

const folder = mkdtempSync(join(tmpdir(), 'tempo-sdk-js-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const LOG_LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \[(DEBUG|INFO|WARN|ERROR)\] .+$/;

describe('one-shot protocol v1', () => {
  it('answers one correlated compact result, no newline, exit 0', async () => {
    const { code, stdout } = await runOnce(
      JSON.stringify(requestOf({ action: 'echo', payload: 'héllo ✓ 😀' })),
    );
    assert.equal(code, 0);
    assert.ok(!stdout.endsWith('\n'));
    assert.deepEqual(JSON.parse(stdout), {
      protocolVersion: '1.0',
      tenantId: 'ten_test',
      dataFlowId: 'flow_test',
      flowRunId: 'run_test',
      stepRunId: 'sru_test',
      requestId: 'req_test',
      result: 'Success',
      data: { echoed: 'héllo ✓ 😀', length: 'héllo ✓ 😀'.length },
      exception: null,
      metadata: { origin: 'test' },
    });
  });

  it('writes every log line to the run-log file and nothing but the result to stdout', async () => {
    const file = join(folder, 'nested', 'step.log');
    const { code, stdout, stderr } = await runOnce(JSON.stringify(requestOf({ action: 'log', tag: 't1' })), {
      TEMPO_RUN_LOG_FILE: file,
    });
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).data.logged, 't1');
    assert.equal(stderr, '');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    for (const line of lines) assert.match(line, LOG_LINE);
    const texts = lines.map((line) => line.replace(/^\S+ /, ''));
    assert.deepEqual(texts, [
      '[DEBUG] sdk debug t1',
      '[INFO] sdk info t1 {"n":1}',
      '[WARN] sdk warn t1',
      '[ERROR] sdk error t1',
      '[INFO] console log t1',
      '[WARN] console warn t1',
      '[ERROR] console error t1',
      '[INFO] stdout write t1',
    ]);
  });

  it('sends log lines to stderr when there is no run-log file', async () => {
    const { stdout, stderr } = await runOnce(JSON.stringify(requestOf({ action: 'log', tag: 't2' })));
    assert.equal(JSON.parse(stdout).result, 'Success');
    assert.match(stderr, /\[INFO\] console log t2/);
    assert.match(stderr, /\[DEBUG\] sdk debug t2/);
  });

  it('installs the ambient context from the request and the host variables', async () => {
    const { stdout } = await runOnce(JSON.stringify(requestOf({ action: 'context' })), {
      TEMPO_RUN_ASSIGNMENT_ID: 'ras_1',
      TEMPO_STEP_ID: 'my.step',
      TEMPO_WORKER_ID: 'wrk_1',
    });
    assert.deepEqual(JSON.parse(stdout).data, {
      tenantId: 'ten_test',
      dataFlowId: 'flow_test',
      flowRunId: 'run_test',
      runAssignmentId: 'ras_1',
      stepId: 'my.step',
      stepRunId: 'sru_test',
      requestId: 'req_test',
      workerId: 'wrk_1',
      hasLogger: true,
    });
  });

  it('keeps Error results and turns a throw into an Exception result', async () => {
    const failed = JSON.parse(
      (await runOnce(JSON.stringify(requestOf({ action: 'error', value: 3 })))).stdout,
    );
    assert.equal(failed.result, 'Error');
    assert.deepEqual(failed.data, { reason: 'business rule', input: 3 });
    const thrown = await runOnce(JSON.stringify(requestOf({ action: 'exception' })));
    assert.equal(thrown.code, 0);
    assert.equal(JSON.parse(thrown.stdout).result, 'Exception');
    assert.equal(JSON.parse(thrown.stdout).exception, 'handler failed on purpose');
    assert.equal(JSON.parse(thrown.stdout).requestId, 'req_test');
  });

  it('answers input it cannot read with an uncorrelated Exception result', async () => {
    const { code, stdout } = await runOnce('{not json');
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.equal(result.result, 'Exception');
    assert.equal(result.dataFlowId, 'unknown');
    assert.match(result.requestId, /^req_[a-z0-9]+_[a-z0-9]+$/);
    assert.equal(result.requestId.length, 32);
  });

  it('refuses a protocol version it does not speak', async () => {
    const { stdout } = await runOnce(
      JSON.stringify(requestOf({ action: 'echo' }, { protocolVersion: '2.0' })),
    );
    assert.equal(JSON.parse(stdout).exception, "Unsupported Tempo step protocol version '2.0'.");
  });

  it('carries a 5 MB payload both ways', async () => {
    const payload = 'x'.repeat(5 * 1024 * 1024);
    const { stdout } = await runOnce(JSON.stringify(requestOf({ action: 'echo', payload })));
    assert.equal(JSON.parse(stdout).data.length, payload.length);
  });
});

describe('the test app', () => {
  it('uses every export of the SDK in its surface action, and each gives what it should', async () => {
    const { readFileSync: read } = await import('node:fs');
    const { HANDLER } = await import('./child.mjs');
    const sdk = await import('@tempo/sdk');
    const source = read(HANDLER, 'utf8');
    for (const name of Object.keys(sdk).filter((key) => key !== 'default'))
      assert.match(source, new RegExp(`\\b${name}\\b`), `${name} is not exercised by the test app`);
    const { stdout } = await runOnce(JSON.stringify(requestOf({ action: 'surface' })));
    const surface = JSON.parse(stdout).data;
    assert.deepEqual(surface, {
      V1: '1.0',
      CURRENT: '1.0',
      SUPPORTED: ['1.0'],
      PROTOCOL_VERSION_ENV: 'TEMPO_PROTOCOL_VERSION',
      SUPPORTED_PROTOCOL_VERSIONS_ENV: 'TEMPO_SUPPORTED_PROTOCOL_VERSIONS',
      resultTypes: ['Success', 'Timeout', 'Error', 'Exception', 'MaxIterationsExceeded'],
      sameRequest: true,
      snake: ['flow_snake', 'req_snake', 'Error'],
      builtResult: ['Error', 'x'],
      correlated: true,
      normalized: '1.0',
      supported: [true, false],
      helpers: ['Success', 'Error', 'e'],
      marked: true,
      protocolEnvironment: '1.0',
      environmentLogger: true,
      collected: ['INFO:one {"two":2}'],
      serialized: 'x',
      deserialized: 'flow_d',
    });
  });
});
