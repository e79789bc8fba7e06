import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TempoClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createSampleSteps, startApiFixture, waitForRunEnd } from './api-fixture.ts';
import { expectApiError } from './expect-api-error.ts';
import { hostPidOf, parentPidOf, pidIsAlive, waitUntil } from './process-probe.ts';
import { createShellStep } from './runtime-fixture.ts';

let f: ApiFixture;
let t: ReturnType<TempoClient['tenant']>;
let pidDir: string;

beforeAll(async () => {
  // The handler writes its pids to a host folder, which hidden server files make read-only.
  process.env.TEMPO_EXTERNAL_EXECUTION_HIDE_SERVER_FILES = 'false';
  f = await startApiFixture();
  delete process.env.TEMPO_EXTERNAL_EXECUTION_HIDE_SERVER_FILES;
  t = f.admin.tenant(f.tenantA);
  pidDir = mkdtempSync(join(tmpdir(), 'tempo-cancel-pids-'));
  await createSampleSteps(t, f.server.baseUrl, { method: 'sample.method', rest: 'sample.rest' });
  // The handler records its own pid and that of a background child it waits for, so the test can
  // see that the whole process tree is gone after the cancel.
  await createShellStep(
    t,
    'cancel.sleeper',
    [
      '#!/bin/sh',
      `echo $$ > '${pidDir}/handler.pid.tmp' && mv '${pidDir}/handler.pid.tmp' '${pidDir}/handler.pid'`,
      `sleep ${SLEEP_SECONDS} &`,
      `echo $! > '${pidDir}/sleeper.pid.tmp' && mv '${pidDir}/sleeper.pid.tmp' '${pidDir}/sleeper.pid'`,
      'wait',
      '',
    ].join('\n'),
    { maxRuntimeMs: 120_000 },
  );
});

afterAll(async () => {
  await f?.stop();
  if (pidDir) rmSync(pidDir, { recursive: true, force: true });
});

/** How long the handler's background child sleeps: a number that finds it among the host's processes. */
const SLEEP_SECONDS = String(300_000 + Math.floor(Math.random() * 100_000));

describe('cancelling a running run', () => {
  it('stops the engine before its next step, kills the handler process tree and ends the run Cancelled', async () => {
    const flow = await t.flows.create({
      name: 'Sleeps, then would go on',
      startStepId: 'cancel.sleeper',
      transitions: {
        'cancel.sleeper': {
          onSuccess: 'sample.method',
          onFailure: 'sample.method',
          onException: 'sample.method',
        },
        'sample.method': {},
      },
    });
    const queued = await t.flows.run(flow.id, {});
    await waitUntil(
      () => existsSync(join(pidDir, 'handler.pid')) && existsSync(join(pidDir, 'sleeper.pid')),
      20_000,
      'the handler to start',
    );
    // The pids the handler wrote are those of its PID namespace: the host's are looked up.
    const sleeperPid = hostPidOf(['sleep', SLEEP_SECONDS]) ?? 0;
    const handlerPid = parentPidOf(sleeperPid) ?? 0;
    expect(pidIsAlive(handlerPid)).toBe(true);
    expect(pidIsAlive(sleeperPid)).toBe(true);
    expect((await t.runs.get(queued.id)).state).toBe('Running');

    const cancelled = await t.runs.cancel(queued.id);
    expect(cancelled).toMatchObject({ id: queued.id, state: 'Cancelled', dispatchState: 'Cancelled' });
    expect(cancelled.completedUtc).not.toBeNull();

    await waitUntil(
      () => !pidIsAlive(handlerPid) && !pidIsAlive(sleeperPid),
      10_000,
      'the handler tree to end',
    );
    const run = await waitForRunEnd(t, queued.id);
    expect(run.state).toBe('Cancelled');
    const steps = await t.runs.steps(queued.id);
    expect(steps.map((step) => [step.stepId, step.result])).toEqual([['cancel.sleeper', 'Exception']]);
    const { assignments } = await t.runs.activity(queued.id);
    expect(assignments.map((assignment) => assignment.state)).toEqual(['Cancelled']);

    // An ended run cannot be cancelled again.
    await expectApiError(t.runs.cancel(queued.id), 409, 'Conflict');
  });

  it('refuses to cancel a run that has ended', async () => {
    const flow = await t.flows.create({
      name: 'Quick',
      startStepId: 'sample.method',
      transitions: { 'sample.method': {} },
    });
    const done = await waitForRunEnd(t, (await t.flows.run(flow.id, {})).id);
    expect(done.state).toBe('Succeeded');
    const error = await expectApiError(t.runs.cancel(done.id), 409, 'Conflict');
    expect(error.message).toContain('Succeeded');
  });
});
