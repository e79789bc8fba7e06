import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type WarmHandler, WarmPool, type WarmPoolLimits } from './warm-pool.ts';
import { WarmProcess } from './warm-process.ts';

const HANDLER = `echo '{"type":"ready","mode":"persistent","protocolVersion":"1.0"}'
while read -r line; do
  case "$line" in
    *'"hang"'*) sleep 30 ;;
    *) echo '{"type":"result","result":{"result":"Success"}}' ;;
  esac
done
`;

let root: string;
let count = 0;
const processes: WarmProcess[] = [];
const pools: WarmPool[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tempo-warm-pool-'));
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await Promise.all(processes.splice(0).map((warm) => warm.kill()));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const limits = (overrides: Partial<WarmPoolLimits> = {}): WarmPoolLimits => ({
  poolSize: 2,
  idleTimeoutMs: 60_000,
  maxInvocations: 100,
  maxLive: 10,
  maxLivePerTenant: 10,
  ...overrides,
});

const poolWith = (overrides: Partial<WarmPoolLimits> = {}) => {
  const pool = new WarmPool(limits(overrides));
  pools.push(pool);
  return pool;
};

/** A real warm process in a scratch folder of its own, adopted by `pool` unless told not to. */
const handlerFor = async (pool: WarmPool | null, tenantId = 'ten_a'): Promise<WarmHandler> => {
  count += 1;
  const scratch = join(root, `scratch-${count}`);
  await mkdir(scratch);
  const start = await WarmProcess.start({
    command: 'sh',
    args: ['-c', HANDLER],
    cwd: root,
    env: { PATH: process.env.PATH ?? '' },
    killTree: false,
    maxStderrBytes: 1000,
    containmentTag: `call.pool-${count}`,
    namespaced: false,
    startTimeoutMs: 5_000,
    maxLineBytes: 1000,
  });
  if (!start.ok) throw new Error(start.reason);
  processes.push(start.process);
  const handler = { process: start.process, tenantId, scratch, secretValues: [] };
  if (pool) expect(pool.adopt(handler)).toBe(true);
  return handler;
};

const invoke = (handler: WarmHandler, word = 'answer', timeoutMs = 5_000) =>
  handler.process.invoke(`{"data":"${word}"}\n`, {
    timeoutMs,
    signal: new AbortController().signal,
    onLog: () => undefined,
  });

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Waits until the process is gone and its scratch folder removed. */
const goneWithScratch = async (handler: WarmHandler) => {
  await handler.process.gone;
  for (let attempt = 0; attempt < 500 && (await exists(handler.scratch)); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return !(await exists(handler.scratch));
};

describe('WarmPool', () => {
  it('gives back the most recently given idle process of a key, and none of another key', async () => {
    const pool = poolWith();
    expect(pool.take('key')).toBeNull();
    const first = await handlerFor(pool);
    const second = await handlerFor(pool);
    expect(pool.snapshot()).toEqual({ live: 2, idle: 0, refusedKeys: 0 });
    pool.give('key', first);
    pool.give('key', second);
    expect(pool.snapshot()).toEqual({ live: 2, idle: 2, refusedKeys: 0 });
    expect(pool.take('other')).toBeNull();
    expect(pool.take('key')).toBe(second);
    expect(pool.take('key')).toBe(first);
    expect(pool.take('key')).toBeNull();
    expect(pool.snapshot()).toEqual({ live: 2, idle: 0, refusedKeys: 0 });
  });

  it('remembers refusals per key, counting each key once', () => {
    const pool = poolWith();
    expect(pool.isRefused('key')).toBe(false);
    expect(pool.refuse('key')).toBe(true);
    expect(pool.refuse('key')).toBe(false);
    expect(pool.isRefused('key')).toBe(true);
    expect(pool.isRefused('other')).toBe(false);
    expect(pool.snapshot().refusedKeys).toBe(1);
  });

  it('ends a process given back past poolSize for its key, and removes its scratch folder', async () => {
    const pool = poolWith({ poolSize: 1 });
    const kept = await handlerFor(pool);
    const extra = await handlerFor(pool);
    const elsewhere = await handlerFor(pool);
    pool.give('key', kept);
    pool.give('key', extra);
    pool.give('other', elsewhere);
    expect(await goneWithScratch(extra)).toBe(true);
    expect(pool.snapshot()).toEqual({ live: 2, idle: 2, refusedKeys: 0 });
    expect(kept.process.idle).toBe(true);
    expect(await exists(kept.scratch)).toBe(true);
  });

  it('ends a process at warmMaxInvocations', async () => {
    const pool = poolWith({ maxInvocations: 2 });
    const handler = await handlerFor(pool);
    await invoke(handler);
    pool.give('key', handler);
    expect(pool.take('key')).toBe(handler);
    await invoke(handler);
    pool.give('key', handler);
    expect(await goneWithScratch(handler)).toBe(true);
    expect(pool.snapshot()).toEqual({ live: 0, idle: 0, refusedKeys: 0 });
  });

  it('ends an idle process after warmIdleTimeoutMs, and not one taken before', async () => {
    const pool = poolWith({ idleTimeoutMs: 150 });
    const idle = await handlerFor(pool);
    const taken = await handlerFor(pool);
    pool.give('idle', idle);
    pool.give('taken', taken);
    expect(pool.take('taken')).toBe(taken);
    expect(await goneWithScratch(idle)).toBe(true);
    expect(pool.take('idle')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(taken.process.idle).toBe(true);
    expect(pool.snapshot()).toEqual({ live: 1, idle: 0, refusedKeys: 0 });
  });

  it('ends the least recently used idle process of a tenant past its live cap', async () => {
    const pool = poolWith({ maxLivePerTenant: 2 });
    const oldest = await handlerFor(pool);
    const newer = await handlerFor(pool);
    const other = await handlerFor(pool, 'ten_b');
    pool.give('k1', oldest);
    pool.give('k2', newer);
    pool.give('k3', other);
    expect(pool.snapshot()).toEqual({ live: 3, idle: 3, refusedKeys: 0 });
    const third = await handlerFor(pool);
    pool.give('k4', third);
    expect(await goneWithScratch(oldest)).toBe(true);
    expect([newer, other, third].every((each) => each.process.idle)).toBe(true);
    expect(pool.snapshot()).toEqual({ live: 3, idle: 3, refusedKeys: 0 });
    expect(pool.take('k1')).toBeNull();
  });

  it('ends the least recently used idle process of any tenant past the host cap', async () => {
    const pool = poolWith({ maxLive: 2 });
    const oldest = await handlerFor(pool, 'ten_a');
    const newer = await handlerFor(pool, 'ten_b');
    pool.give('k1', oldest);
    pool.give('k2', newer);
    // A process just adopted counts as live (here busy, never given back), but cannot be ended:
    // the caps are applied when one is given back, the idle ones going first.
    const busy = await handlerFor(pool, 'ten_c');
    expect(pool.snapshot()).toEqual({ live: 3, idle: 2, refusedKeys: 0 });
    const fourth = await handlerFor(pool, 'ten_c');
    pool.give('k3', fourth);
    expect(await goneWithScratch(oldest)).toBe(true);
    expect(await goneWithScratch(newer)).toBe(true);
    expect(pool.snapshot()).toEqual({ live: 2, idle: 1, refusedKeys: 0 });
    expect(busy.process.idle).toBe(true);
  });

  it('ends only idle processes of the tenant past its cap, never one taken out', async () => {
    const pool = poolWith({ maxLivePerTenant: 2 });
    const otherTenant = await handlerFor(pool, 'ten_b');
    const taken = await handlerFor(pool);
    const idle = await handlerFor(pool);
    pool.give('b', otherTenant);
    pool.give('k1', taken);
    expect(pool.take('k1')).toBe(taken);
    pool.give('k2', idle);
    const extra = await handlerFor(pool);
    pool.give('k3', extra);
    // ten_a has three live: its least recently given idle one goes, not ten_b's older one,
    // and not the one taken out.
    expect(await goneWithScratch(idle)).toBe(true);
    expect([otherTenant, taken, extra].every((each) => each.process.idle)).toBe(true);
  });

  it('keeps the idle order when a busy process goes, and the other idle ones of its key', async () => {
    const pool = poolWith({ maxLive: 3 });
    const first = await handlerFor(pool);
    const second = await handlerFor(pool);
    const busy = await handlerFor(pool);
    pool.give('key', first);
    pool.give('key', second);
    await busy.process.kill();
    expect(pool.snapshot()).toEqual({ live: 2, idle: 2, refusedKeys: 0 });
    await first.process.kill();
    expect(pool.take('key')).toBe(second);
    pool.give('key', second);
    const more = await handlerFor(pool);
    const most = await handlerFor(pool);
    await handlerFor(pool);
    pool.give('other', more);
    // Four live past a cap of three: the least recently given idle one goes.
    expect(await goneWithScratch(second)).toBe(true);
    expect(more.process.idle && most.process.idle).toBe(true);
  });

  it('stops at the cap when only busy processes are left', async () => {
    const pool = poolWith({ maxLive: 1, maxLivePerTenant: 1 });
    const busyA = await handlerFor(pool);
    const busyB = await handlerFor(pool);
    const idle = await handlerFor(pool);
    pool.give('key', idle);
    expect(await goneWithScratch(idle)).toBe(true);
    expect(pool.snapshot()).toEqual({ live: 2, idle: 0, refusedKeys: 0 });
    expect(busyA.process.idle && busyB.process.idle).toBe(true);
  });

  it('forgets a process that exits while idle, and never hands it out', async () => {
    const pool = poolWith();
    const handler = await handlerFor(pool);
    pool.give('key', handler);
    await handler.process.kill();
    expect(pool.snapshot()).toEqual({ live: 0, idle: 0, refusedKeys: 0 });
    expect(pool.take('key')).toBeNull();
    expect(await goneWithScratch(handler)).toBe(true);
  });

  it('skips a dead process it was given without adopting it', async () => {
    const pool = poolWith();
    const stray = await handlerFor(null);
    pool.give('key', stray);
    await stray.process.kill();
    expect(pool.take('key')).toBeNull();
  });

  it('ends a process given back busy or dead instead of keeping it', async () => {
    const pool = poolWith();
    const busy = await handlerFor(pool);
    const call = invoke(busy, 'hang', 200);
    pool.give('key', busy);
    expect(pool.snapshot().idle).toBe(0);
    expect((await call).kind).toBe('timedOut');
  });

  it('on close ends idle processes, kills busy ones, removes their scratch and adopts no more', async () => {
    const pool = poolWith();
    const idle = await handlerFor(pool);
    const busy = await handlerFor(pool);
    pool.give('key', idle);
    const call = invoke(busy, 'hang', 30_000);
    await pool.close();
    expect((await call).kind).toBe('exited');
    expect(await exists(idle.scratch)).toBe(false);
    expect(await exists(busy.scratch)).toBe(false);
    expect(pool.snapshot()).toEqual({ live: 0, idle: 0, refusedKeys: 0 });
    const late = await handlerFor(null);
    expect(pool.adopt(late)).toBe(false);
    const given = await handlerFor(null);
    pool.give('key', given);
    await given.process.gone;
    expect(pool.snapshot().idle).toBe(0);
  });
});
