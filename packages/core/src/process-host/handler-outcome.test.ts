import type { StepProtocolRequest } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import type { ChildProcessOutcome } from './child-process-run.ts';
import { describeLimitFailure } from './handler-limit-errors.ts';
import { describeOutcome, exception, mapOutcome, withStderr } from './handler-outcome.ts';
import type { HandlerInvocation } from './process-handler-host.ts';

const request: StepProtocolRequest = {
  protocolVersion: '1.0',
  tenantId: 'ten_a',
  dataFlowId: 'flow_a',
  flowRunId: 'run_a',
  stepRunId: 'sru_a',
  requestId: 'run_a',
  data: null,
  metadata: null,
  previousResult: null,
};

const invocation: HandlerInvocation = {
  request,
  stepId: 'step',
  launch: { command: 'handler', args: [], cwd: '/', requestedEnvironment: [] },
  timeoutMs: 1500,
  signal: new AbortController().signal,
};

const redact = (text: string) => text.replaceAll('SECRET', '[redacted]');
const none = Buffer.alloc(0);
const exited = (
  exitCode: number,
  stdout = '',
  signal: NodeJS.Signals | null = null,
): ChildProcessOutcome => ({
  kind: 'exited',
  exitCode,
  signal,
  stdout: Buffer.from(stdout),
  stderr: none,
});

describe('withStderr and exception', () => {
  it('appends trimmed stderr only when there is some', () => {
    expect(withStderr('failed', ' \n ')).toBe('failed');
    expect(withStderr('failed', '  boom\n')).toBe('failed: boom');
    expect(exception('why')).toEqual({ result: 'Exception', data: null, errorMessage: 'why' });
  });
});

describe('describeOutcome', () => {
  it('says how each kind of ending came about, redacted', () => {
    expect(describeOutcome(exited(3), 100, redact)).toBe('handler process exited with code 3');
    expect(describeOutcome(exited(137, '', 'SIGKILL'), 100, redact)).toBe(
      'handler process exited with code 137 (SIGKILL)',
    );
    expect(describeOutcome({ kind: 'failedToStart', message: 'no SECRET' }, 100, redact)).toBe(
      'handler process failed to start: no [redacted]',
    );
    expect(describeOutcome({ kind: 'timedOut', stderr: none }, 100, redact)).toBe(
      'handler process killed at its time limit of 100 ms',
    );
    expect(describeOutcome({ kind: 'overflow', stream: 'stderr', stderr: none }, 100, redact)).toBe(
      'handler process killed: its stderr passed the configured byte limit',
    );
    expect(describeOutcome({ kind: 'cancelled', stderr: none }, 100, redact)).toBe(
      'handler process killed: the run was cancelled',
    );
  });
});

describe('mapOutcome', () => {
  const map = (outcome: ChildProcessOutcome, stderr = '') => mapOutcome(outcome, stderr, invocation, redact);

  it('maps every ending the host saw by the outcome table', () => {
    expect(map({ kind: 'failedToStart', message: 'ENOENT SECRET' })).toEqual(
      exception('External process failed to start: ENOENT [redacted]'),
    );
    expect(map({ kind: 'timedOut', stderr: none })).toEqual({
      result: 'Timeout',
      data: null,
      errorMessage: 'External process exceeded maximum runtime of 1500ms',
    });
    expect(map({ kind: 'cancelled', stderr: none })).toEqual(exception('The run was cancelled.'));
    expect(map({ kind: 'overflow', stream: 'stdout', stderr: none })).toEqual(
      exception('External process stdout exceeded configured byte limit.'),
    );
  });

  it('fails a non-zero exit with its stderr, whatever stdout says', () => {
    expect(map(exited(2, '{"result":"Success"}'), 'bad input')).toEqual(
      exception('External process exited with code 2: bad input'),
    );
    expect(map(exited(2))).toEqual(exception('External process exited with code 2'));
  });

  it('fails an empty stdout and one that is not a StepResult', () => {
    expect(map(exited(0, ' \n'))).toEqual(exception('External process produced empty stdout'));
    expect(map(exited(0, '{"result":"Nope"}'), 'warn')).toEqual(
      exception(
        "External process stdout was not valid StepResult JSON: result 'Nope' is not a step result type.: warn",
      ),
    );
    expect(map(exited(0, '{"tenantId":"SECRET"}'))).toEqual(
      exception(
        "External process stdout was not valid StepResult JSON: tenantId '[redacted]' does not match the request.",
      ),
    );
  });

  it("answers the handler's result, its exception text redacted", () => {
    expect(map(exited(0, '{"result":"Error","exception":"SECRET leaked"}'))).toEqual({
      result: 'Error',
      data: null,
      metadata: null,
      errorMessage: '[redacted] leaked',
    });
    expect(map(exited(0, '{"result":"Success","data":{"a":1}}'))).toEqual({
      result: 'Success',
      data: { a: 1 },
      metadata: null,
      errorMessage: null,
    });
  });
});

describe('describeLimitFailure', () => {
  const limits = { memoryLimitMb: 64, cpuTimeLimitSeconds: 2 };

  it('reads only a failed exit as hitting a limit', () => {
    expect(describeLimitFailure({ kind: 'timedOut', stderr: none }, 'MemoryError', limits)).toBeNull();
    expect(describeLimitFailure(exited(0, '', 'SIGKILL'), 'MemoryError', limits)).toBeNull();
    expect(describeLimitFailure(exited(1), 'plain failure', limits)).toBeNull();
    expect(describeLimitFailure(exited(143, '', 'SIGTERM'), '', limits)).toBeNull();
  });

  it('names the CPU limit only when one is set', () => {
    const cpu =
      'External process was killed at its CPU-time limit of 2 s (runtimes.externalExecution.cpuTimeLimitSeconds).';
    expect(describeLimitFailure(exited(137, '', 'SIGKILL'), '', limits)).toBe(cpu);
    expect(describeLimitFailure(exited(152, '', 'SIGXCPU'), '', limits)).toBe(cpu);
    expect(
      describeLimitFailure(exited(137, '', 'SIGKILL'), '', { ...limits, cpuTimeLimitSeconds: 0 }),
    ).toBeNull();
  });

  it('quotes the first line where the runtime says it ran out of memory, when a memory limit is set', () => {
    const stderr = 'Traceback:\n  line 1\n  MemoryError: cannot grow  \nmore';
    expect(describeLimitFailure(exited(1), stderr, limits)).toBe(
      'External process ran out of memory under its limit of 64 MiB (runtimes.externalExecution.memoryLimitMb): MemoryError: cannot grow',
    );
    expect(describeLimitFailure(exited(1), 'std::BAD_ALLOC', limits)).toMatch(/: std::BAD_ALLOC$/);
    expect(describeLimitFailure(exited(1), stderr, { ...limits, memoryLimitMb: 0 })).toBeNull();
  });
});
