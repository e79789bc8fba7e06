import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';
import { expectApiError } from './expect-api-error.ts';
import { createShellStep, triggerFor } from './runtime-fixture.ts';

/** A handler that holds its process slot long enough for the status reads below. */
const SLOW_HANDLER =
  '#!/bin/sh\ncat > /dev/null\nsleep 10\necho \'{"result":"Success","data":{"slept":true}}\'\n';

let f: ApiFixture;
/** The sync trigger calls of the slow handlers, awaited when the suite ends. */
const running: Promise<unknown>[] = [];

/** Starts the slow handler in a tenant, without waiting for it to finish. */
const startSlowRun = async (tenantId: string, key: string) => {
  const tenant = f.admin.tenant(tenantId);
  await createShellStep(tenant, key, SLOW_HANDLER);
  const triggerId = await triggerFor(tenant, key);
  running.push(f.admin.httpTriggers.fire(triggerId, { body: {} }));
};

beforeAll(async () => {
  f = await startApiFixture();
  // One handler process in each tenant, so each view has another tenant's counters it could show.
  await startSlowRun(f.tenantA, 'slow.a');
  await startSlowRun(f.tenantB, 'slow.b');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { capacity } = await f.admin.runtimes.externalExecution();
    if (capacity.activeByTenant[f.tenantA] === 1 && capacity.activeByTenant[f.tenantB] === 1) break;
    if (Date.now() > deadline)
      throw new Error(`the slow handlers did not start: ${JSON.stringify(capacity)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(running);
  await f?.stop();
}, 30_000);

describe('external-execution status', () => {
  it('refuses the server view to a tenant user, even one with no Step rights at all', async () => {
    for (const client of [f.as.None, f.as.ReadOnly, f.as.Administrator, f.tenantBUser]) {
      const answer = await client.raw('GET', '/v1.0/runtimes/external-execution');
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ error: 'Forbidden' });
      // The refusal itself names no tenant and no folder of the server.
      const text = JSON.stringify(answer.body);
      expect(text).not.toContain(f.tenantB);
      expect(text).not.toContain(f.server.dataDir);
    }
    await expectApiError(f.as.None.runtimes.externalExecution(), 403, 'Forbidden');
  });

  it('shows a tenant its own counters only, without the server folders or executables', async () => {
    const answer = await f.as.ReadOnly.raw('GET', `/v1.0/tenants/${f.tenantA}/runtimes/external-execution`);
    expect(answer.status).toBe(200);
    const text = JSON.stringify(answer.body);
    expect(text).not.toContain(f.tenantB);
    expect(text).not.toContain(f.server.dataDir);
    expect(answer.body).not.toHaveProperty('scratchRoot');
    expect(answer.body).not.toHaveProperty('cacheRoot');
    expect(answer.body).not.toHaveProperty('dotnetExecutable');
    // Server-wide totals would count tenant B's process too.
    expect(answer.body).not.toHaveProperty('capacity');
    expect(answer.body).toMatchObject({
      tenantId: f.tenantA,
      tenantActiveProcesses: 1,
      tenantQueuedSteps: 0,
      maxConcurrentProcessesPerTenant: 2,
    });
    const typed = await f.as.ReadOnly.tenant(f.tenantA).runtimes.externalExecution();
    expect(typed.tenantActiveProcesses).toBe(1);
  });

  it('still refuses the tenant view to a user without Step rights, and to another tenant', async () => {
    await expectApiError(f.as.None.tenant(f.tenantA).runtimes.externalExecution(), 403, 'Forbidden');
    await expectApiError(f.tenantBUser.tenant(f.tenantA).runtimes.externalExecution(), 403, 'Forbidden');
  });

  it('gives a global administrator the whole picture', async () => {
    const status = await f.admin.runtimes.externalExecution();
    expect(status.scratchRoot.startsWith(f.server.dataDir)).toBe(true);
    expect(status.cacheRoot.startsWith(f.server.dataDir)).toBe(true);
    expect(status.capacity.activeByTenant).toMatchObject({ [f.tenantA]: 1, [f.tenantB]: 1 });
    expect(status.capacity.activeServerWide).toBe(2);
  });
});
