import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type WarmCallOptions, WarmProcess, type WarmProcessSpec } from './warm-process.ts';

const READY = `echo '{"type":"ready","mode":"persistent","protocolVersion":"1.0"}'`;
const RESULT = `echo '{"type":"result","result":{"result":"Success","data":1}}'`;

/**
 * A persistent handler in shell: ready, then per invoke line what its text asks for (the word
 * sits in the line as the request's data).
 */
const HANDLER = `${READY}
while read -r line; do
  case "$line" in
    *'"answer"'*) echo note >&2; sleep 0.2; echo '{"type":"log","level":"info","text":"working"}'; ${RESULT} ;;
    *'"hang"'*) sleep 30 ;;
    *'"junk"'*) echo 'not json' ;;
    *'"ready"'*) ${READY} ;;
    *'"exit"'*) echo dying >&2; sleep 0.1; exit 5 ;;
    *'"big"'*) echo '{"type":"result","result":{"result":"Success","data":"${'x'.repeat(300)}"}}' ;;
    *'"bare"'*) printf '%0400d' 0 ;;
    *'"flood"'*) head -c 4000 /dev/zero >&2; sleep 30 ;;
    *'"late"'*) ${RESULT}; sleep 0.2; echo '{"type":"result","result":{}}' ;;
    *'"orphan"'*) setsid sleep 30 & printf '{"type":"log","level":"info","text":"%s"}\n' "$!"; sleep 30 ;;
    *'"leave"'*) setsid sleep 30 & printf '{"type":"log","level":"info","text":"%s"}\n' "$!"; sleep 0.2; exit 4 ;;
    *'"selfkill"'*) kill -9 $$ ;;
    *'"pieces"'*) printf '  \n{"type":"log","level":"info","text":"%s"}\n{"type":"res' "$(printf '%0190d' 0)"; sleep 0.1; printf 'ult","result":{"result":"Success"}}\n' ;;
    *'"idlebig"'*) ${RESULT}; sleep 0.2; printf '%0300d' 0 ;;
    *'"exact"'*) printf '%s' '{"type":"result","result":{"result":"Success","data":1}}'; sleep 0.1; echo ;;
    *'"latelog"'*) ${RESULT}; sleep 0.2; echo '{"type":"log","level":"info","text":"late"}'; echo late >&2 ;;
  esac
done
`;

const started: WarmProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((warm) => warm.kill()));
});

let calls = 0;
// A tag per process: a sweep of one process's tree must not reach another test's process.
const spec = (script: string, overrides: Partial<WarmProcessSpec> = {}): WarmProcessSpec => ({
  command: 'sh',
  args: ['-c', script],
  cwd: '/',
  env: { PATH: process.env.PATH ?? '' },
  killTree: true,
  maxStderrBytes: 1000,
  containmentTag: `call.warm-test-${++calls}`,
  namespaced: false,
  startTimeoutMs: 5_000,
  maxLineBytes: 200,
  ...overrides,
});

const startWarm = async (script = HANDLER, overrides: Partial<WarmProcessSpec> = {}) => {
  const start = await WarmProcess.start(spec(script, overrides));
  if (!start.ok) throw new Error(start.reason);
  started.push(start.process);
  return start.process;
};

const line = (word: string) => `${JSON.stringify({ type: 'invoke', request: { data: word } })}\n`;

const options = (overrides: Partial<WarmCallOptions> = {}) => {
  const logs: string[] = [];
  return {
    logs,
    options: {
      timeoutMs: 5_000,
      signal: new AbortController().signal,
      onLog: (level: string, text: string) => logs.push(`${level} ${text}`),
      ...overrides,
    },
  };
};

const text = (outcome: object) =>
  Object.fromEntries(
    Object.entries(outcome).map(([key, value]) => [key, Buffer.isBuffer(value) ? value.toString() : value]),
  );

describe('WarmProcess.start', () => {
  it('is ready once the child writes its ready line, carrying its tag', async () => {
    const warm = await startWarm(
      `case "$TEMPO_HANDLER_TAG" in call.warm-test-*) ;; *) exit 9 ;; esac\n${HANDLER}`,
    );
    expect(warm.idle).toBe(true);
    expect(warm.pid).toBeGreaterThan(0);
    expect(warm.invocations).toBe(0);
  });

  it('refuses a child that answers anything but the ready line first, and kills it', async () => {
    expect(await WarmProcess.start(spec(`echo hello; ${READY}; sleep 30`))).toEqual({
      ok: false,
      reason: 'its first line was not the ready line',
    });
    expect(await WarmProcess.start(spec('exit 3'))).toEqual({
      ok: false,
      reason: 'it exited with code 3 before its ready line',
    });
    expect(await WarmProcess.start(spec('kill -9 $$'))).toEqual({
      ok: false,
      reason: 'it exited with code SIGKILL before its ready line',
    });
    expect(await WarmProcess.start(spec('sleep 30', { startTimeoutMs: 150 }))).toEqual({
      ok: false,
      reason: 'no ready line within 150 ms',
    });
    expect(await WarmProcess.start(spec(`printf '%0300d' 0; sleep 30`))).toEqual({
      ok: false,
      reason: 'its first line passed the byte limit',
    });
    const missing = await WarmProcess.start({ ...spec(''), command: '/nonexistent/handler' });
    expect(missing.ok === false && missing.reason).toMatch(/^it failed to start: .*ENOENT/);
  });

  it('reads a ready line split over several writes', async () => {
    const warm = await startWarm(
      `printf '{"type":"ready",'; sleep 0.1; printf '"mode":"persistent"}\\n'; sleep 30`,
    );
    expect(warm.idle).toBe(true);
  });
});

describe('WarmProcess.invoke', () => {
  it('answers each result with its stderr, relays log lines and counts invocations', async () => {
    const warm = await startWarm();
    const { logs, options: first } = options();
    const outcome = await warm.invoke(line('answer'), first);
    expect(text(outcome)).toEqual({
      kind: 'result',
      result: { result: 'Success', data: 1 },
      stderr: 'note\n',
    });
    expect(logs).toEqual(['INFO working']);
    expect(warm.idle).toBe(true);
    expect(warm.invocations).toBe(1);
    await warm.invoke(line('answer'), options().options);
    expect(warm.invocations).toBe(2);
  });

  it('takes one invocation at a time', async () => {
    const warm = await startWarm();
    const busy = warm.invoke(line('hang'), options({ timeoutMs: 300 }).options);
    expect(warm.idle).toBe(false);
    expect(() => warm.invoke(line('answer'), options().options)).toThrow(
      'a warm handler process takes one invocation at a time',
    );
    expect((await busy).kind).toBe('timedOut');
    expect(warm.idle).toBe(false);
  });

  it('kills the process at the time limit, and tells the pool it is gone', async () => {
    const warm = await startWarm();
    let goneCalls = 0;
    warm.onGone = () => {
      goneCalls += 1;
    };
    expect(text(await warm.invoke(line('hang'), options({ timeoutMs: 200 }).options))).toEqual({
      kind: 'timedOut',
      stderr: '',
    });
    await warm.gone;
    expect(goneCalls).toBe(1);
    expect(warm.idle).toBe(false);
  });

  it('waits without a time limit when it is 0, until the run is cancelled', async () => {
    const warm = await startWarm();
    const controller = new AbortController();
    const running = warm.invoke(line('hang'), options({ timeoutMs: 0, signal: controller.signal }).options);
    setTimeout(() => controller.abort(), 300);
    expect(text(await running)).toEqual({ kind: 'cancelled', stderr: '' });
  });

  it('refuses an invocation whose run is already cancelled, and the process goes', async () => {
    const warm = await startWarm();
    expect(text(await warm.invoke(line('answer'), options({ signal: AbortSignal.abort() }).options))).toEqual(
      {
        kind: 'cancelled',
        stderr: '',
      },
    );
    expect(warm.idle).toBe(false);
  });

  it('discards the process on a line the protocol does not allow', async () => {
    const junk = await startWarm();
    expect(text(await junk.invoke(line('junk'), options().options))).toEqual({
      kind: 'malformed',
      message: 'a line is not a JSON document.',
      stderr: '',
    });
    expect(junk.idle).toBe(false);
    const ready = await startWarm();
    expect(text(await ready.invoke(line('ready'), options().options))).toEqual({
      kind: 'malformed',
      message: 'a second ready line came during an invocation.',
      stderr: '',
    });
  });

  it('answers the exit of the process during a call with its code and stderr', async () => {
    const warm = await startWarm();
    expect(text(await warm.invoke(line('exit'), options().options))).toEqual({
      kind: 'exited',
      exitCode: 5,
      signal: null,
      stdout: '',
      stderr: 'dying\n',
    });
    expect(warm.idle).toBe(false);
  });

  it('stops a call whose result line, or an unterminated line, passes the byte limit', async () => {
    const big = await startWarm();
    expect(text(await big.invoke(line('big'), options().options))).toEqual({
      kind: 'overflow',
      stream: 'stdout',
      stderr: '',
    });
    const bare = await startWarm();
    expect(text(await bare.invoke(line('bare'), options().options))).toEqual({
      kind: 'overflow',
      stream: 'stdout',
      stderr: '',
    });
    const room = await startWarm(HANDLER, { maxLineBytes: 400 });
    expect((await room.invoke(line('big'), options().options)).kind).toBe('result');
  });

  it('stops a call whose stderr passes its limit', async () => {
    const warm = await startWarm();
    const outcome = await warm.invoke(line('flood'), options().options);
    expect(outcome.kind === 'overflow' && [outcome.stream, outcome.stderr.length]).toEqual(['stderr', 1000]);
  });

  it('kills an idle process that writes anything but a log line, and keeps one that logs', async () => {
    const late = await startWarm();
    await late.invoke(line('late'), options().options);
    expect(late.idle).toBe(true);
    await late.gone;
    expect(late.idle).toBe(false);
    const logging = await startWarm();
    await logging.invoke(line('latelog'), options().options);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(logging.idle).toBe(true);
    expect((await logging.invoke(line('answer'), options().options)).stderr.toString()).toBe('note\n');
  });
});

describe('WarmProcess containment and framing', () => {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    } catch {
      return false;
    }
  };
  /** Waits up to a second for `pid` to go. */
  const goneSoon = async (pid: number) => {
    for (let attempt = 0; attempt < 100 && alive(pid); attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    return !alive(pid);
  };

  it('kills a process it stops with what it started, even in a session of its own', async () => {
    const warm = await startWarm();
    const { logs, options: bounded } = options({ timeoutMs: 400 });
    expect((await warm.invoke(line('orphan'), bounded)).kind).toBe('timedOut');
    const orphan = Number(logs[0]?.split(' ')[1]);
    expect(orphan).toBeGreaterThan(0);
    expect(await goneSoon(orphan)).toBe(true);
  });

  it('kills what a process left behind when it exits, unless told to spare its tree', async () => {
    const warm = await startWarm();
    const { logs, options: first } = options();
    expect(text(await warm.invoke(line('leave'), first))).toMatchObject({ kind: 'exited', exitCode: 4 });
    expect(await goneSoon(Number(logs[0]?.split(' ')[1]))).toBe(true);
    const spared = await startWarm(HANDLER, { killTree: false });
    const { logs: sparedLogs, options: second } = options();
    await spared.invoke(line('leave'), second);
    const survivor = Number(sparedLogs[0]?.split(' ')[1]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(alive(survivor)).toBe(true);
    } finally {
      process.kill(survivor, 'SIGKILL');
    }
  });

  it('answers a process killed by a signal during a call the shell way', async () => {
    const warm = await startWarm();
    expect(text(await warm.invoke(line('selfkill'), options().options))).toMatchObject({
      kind: 'exited',
      exitCode: 137,
      signal: 'SIGKILL',
    });
  });

  it('skips blank lines and joins a line written in pieces, counting only the unfinished piece', async () => {
    const warm = await startWarm();
    const { logs, options: call } = options();
    expect(text(await warm.invoke(line('pieces'), call))).toMatchObject({
      kind: 'result',
      result: { result: 'Success' },
    });
    expect(logs).toEqual([`INFO ${'0'.repeat(190)}`]);
    const blankFirst = await startWarm(`printf '\n'; ${HANDLER}`);
    expect(blankFirst.idle).toBe(true);
  });

  it('takes a result line of exactly the byte limit, whole or in pieces', async () => {
    const limit = Buffer.byteLength('{"type":"result","result":{"result":"Success","data":1}}');
    const whole = await startWarm(HANDLER, { maxLineBytes: limit });
    expect((await whole.invoke(line('answer'), options().options)).kind).toBe('result');
    const pieces = await startWarm(HANDLER, { maxLineBytes: limit });
    expect((await pieces.invoke(line('exact'), options().options)).kind).toBe('result');
  });

  it('kills a process whose line was malformed, and one that writes an overlong line while idle', async () => {
    const junk = await startWarm();
    await junk.invoke(line('junk'), options().options);
    await junk.gone;
    const idle = await startWarm();
    expect((await idle.invoke(line('idlebig'), options().options)).kind).toBe('result');
    await idle.gone;
    expect(idle.idle).toBe(false);
  });

  it('forgets the time limit and the signal of a call that ended', async () => {
    const warm = await startWarm();
    const controller = new AbortController();
    const bounded = options({ timeoutMs: 600, signal: controller.signal }).options;
    expect((await warm.invoke(line('answer'), bounded)).kind).toBe('result');
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(warm.idle).toBe(true);
    expect((await warm.invoke(line('answer'), options().options)).kind).toBe('result');
  });
});

describe('WarmProcess.end', () => {
  it('closes stdin of an idle process, which then exits', async () => {
    const warm = await startWarm();
    let gone = false;
    warm.onGone = () => {
      gone = true;
    };
    await warm.end();
    expect(gone).toBe(true);
    expect(warm.idle).toBe(false);
    await warm.end();
  });

  it('kills a process that lingers after its stdin closed', async () => {
    const warm = await startWarm(`${READY}; trap '' PIPE; while :; do sleep 0.05; done`);
    const started = Date.now();
    await warm.end();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    // Its grace period is two seconds: more than the short limit of mutation runs.
  }, 15_000);
});
