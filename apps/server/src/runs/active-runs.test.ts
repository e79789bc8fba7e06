import type { FlowOutcome } from '@tempo/core/engine';
import { describe, expect, it } from 'vitest';
import { ActiveRuns, outcomeAfterStop, RunStop, runStopOf } from './active-runs.ts';

describe('ActiveRuns', () => {
  it('aborts only the stopped tenant and waits until its executions have ended', async () => {
    const active = new ActiveRuns();
    const doomed = active.begin('ten_a', 'run_1');
    const other = active.begin('ten_b', 'run_2');
    if (!doomed || !other) throw new Error('executions should start');
    let stopped = false;
    const stopping = active.stopTenant('ten_a').then(() => {
      stopped = true;
    });
    expect(doomed.signal.aborted).toBe(true);
    expect(other.signal.aborted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    doomed.end();
    await stopping;
    expect(stopped).toBe(true);
    other.end();
  });

  it('starts nothing more for a closed tenant', async () => {
    const active = new ActiveRuns();
    await active.stopTenant('ten_a');
    expect(active.isClosed('ten_a')).toBe(true);
    expect(active.begin('ten_a', 'run_1')).toBeNull();
    expect(active.isClosed('ten_b')).toBe(false);
    expect(active.begin('ten_b', 'run_2')).not.toBeNull();
  });

  it('stops waiting after the bound when an execution never ends', async () => {
    const active = new ActiveRuns();
    const stuck = active.begin('ten_a', 'run_1');
    const started = Date.now();
    await active.stopTenant('ten_a', 50);
    expect(stuck?.signal.aborted).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });

  it('cancels one run with a cancel reason and answers false for a run it does not execute', async () => {
    const active = new ActiveRuns();
    const target = active.begin('ten_a', 'run_1');
    const bystander = active.begin('ten_a', 'run_2');
    if (!target || !bystander) throw new Error('executions should start');
    const cancelling = active.cancelRun('run_1');
    expect(runStopOf(target.signal)?.kind).toBe('cancelled');
    expect(bystander.signal.aborted).toBe(false);
    target.end();
    expect(await cancelling).toBe(true);
    expect(await active.cancelRun('run_1')).toBe(false);
    expect(await active.cancelRun('run_unknown')).toBe(false);
    bystander.end();
  });

  it('at a server stop lets runs finish within the grace period, then stops the rest, and starts nothing', async () => {
    const active = new ActiveRuns();
    const quick = active.begin('ten_a', 'run_quick');
    const slow = active.begin('ten_b', 'run_slow');
    if (!quick || !slow) throw new Error('executions should start');
    setTimeout(() => quick.end(), 10);
    slow.signal.addEventListener('abort', () => slow.end());
    const started = Date.now();
    await active.stopAll(100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(quick.signal.aborted).toBe(false);
    expect(runStopOf(slow.signal)?.kind).toBe('shutdown');
    expect(active.begin('ten_c', 'run_late')).toBeNull();
  });
});

describe('outcomeAfterStop', () => {
  const cancelled: FlowOutcome = {
    state: 'Cancelled',
    outputData: null,
    errorMessage: 'The run was cancelled.',
    steps: 1,
  };
  const stoppedBy = (stop: RunStop) => {
    const controller = new AbortController();
    controller.abort(stop);
    return controller.signal;
  };

  it('ends a run stopped by a server stop as Exception, and a cancelled one as Cancelled with its reason', () => {
    expect(outcomeAfterStop(stoppedBy(new RunStop('shutdown', 'server stopped')), cancelled)).toMatchObject({
      state: 'Exception',
      errorMessage: 'server stopped',
    });
    expect(outcomeAfterStop(stoppedBy(new RunStop('cancelled', 'by a user')), cancelled)).toMatchObject({
      state: 'Cancelled',
      errorMessage: 'by a user',
    });
  });

  it('keeps an outcome the engine reached before the stop', () => {
    const succeeded: FlowOutcome = { state: 'Succeeded', outputData: '1', errorMessage: null, steps: 1 };
    expect(outcomeAfterStop(stoppedBy(new RunStop('shutdown', 'late')), succeeded)).toBe(succeeded);
    expect(outcomeAfterStop(new AbortController().signal, cancelled)).toBe(cancelled);
  });
});
