import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestOf, startPersistent } from './child.mjs';

describe('persistent mode', () => {
  it('says ready, serves invocations in one process, and exits 0 when its input ends', async () => {
    const child = startPersistent();
    assert.deepEqual(JSON.parse(await child.nextLine()), {
      type: 'ready',
      protocolVersion: '1.0',
      mode: 'persistent',
    });

    child.invoke(requestOf({ action: 'pid' }, { requestId: 'req_1' }));
    const [first] = await child.untilResult();
    assert.equal(first.result.requestId, 'req_1');
    child.invoke(requestOf({ action: 'pid' }, { requestId: 'req_2' }));
    const [second] = await child.untilResult();
    assert.equal(second.result.requestId, 'req_2');
    assert.equal(first.result.data.pid, second.result.data.pid);
    assert.equal(first.result.data.pid, child.child.pid);

    child.child.stdin.end();
    assert.equal(await child.exited, 0);
  });

  it('sets an invocation variables for that invocation only', async () => {
    const child = startPersistent();
    await child.nextLine();
    child.invoke(requestOf({ action: 'context' }), {
      TEMPO_STEP_ID: 'warm.step',
      TEMPO_WORKER_ID: 'wrk_w',
      TEMPO_RUN_ASSIGNMENT_ID: 'ras_w',
    });
    const [withVariables] = await child.untilResult();
    assert.equal(withVariables.result.data.stepId, 'warm.step');
    assert.equal(withVariables.result.data.workerId, 'wrk_w');
    assert.equal(withVariables.result.data.runAssignmentId, 'ras_w');
    child.invoke(requestOf({ action: 'context' }));
    const [without] = await child.untilResult();
    assert.equal(without.result.data.stepId, null);
    child.child.stdin.end();
    assert.equal(await child.exited, 0);
  });

  it('sends log lines as log frames before the result', async () => {
    const child = startPersistent();
    await child.nextLine();
    child.invoke(requestOf({ action: 'log', tag: 'p1' }));
    const frames = await child.untilResult();
    assert.deepEqual(
      frames.slice(0, -1).map((frame) => `${frame.type} ${frame.level} ${frame.text}`),
      [
        'log DEBUG sdk debug p1',
        'log INFO sdk info p1 {"n":1}',
        'log WARN sdk warn p1',
        'log ERROR sdk error p1',
        'log INFO console log p1',
        'log WARN console warn p1',
        'log ERROR console error p1',
        'log INFO stdout write p1',
      ],
    );
    assert.equal(frames.at(-1).result.result, 'Success');
    child.child.stdin.end();
    await child.exited;
  });

  it('answers a bad line and a throwing handler with Exception results and keeps serving', async () => {
    const child = startPersistent();
    await child.nextLine();
    child.child.stdin.write('not json\n');
    const [bad] = await child.untilResult();
    assert.equal(bad.result.result, 'Exception');
    assert.match(bad.result.exception, /^bad invoke line/);
    child.invoke(requestOf({ action: 'exception' }));
    const [thrown] = await child.untilResult();
    assert.equal(thrown.result.exception, 'handler failed on purpose');
    child.invoke(requestOf({ action: 'echo', payload: 'still here' }));
    const [after] = await child.untilResult();
    assert.equal(after.result.data.echoed, 'still here');
    child.child.stdin.end();
    assert.equal(await child.exited, 0);
  });
});
