import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinTrigger, createRestStep, waitForRunEnd } from './api-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

// One tenant's long runs must not hold every run slot of the server: with the default
// engine.maxConcurrentRuns (4) a tenant gets three of them, and another tenant's trigger call
// runs at once instead of waiting in Queued behind them.

/** A loopback service that holds every call until released, then answers the later ones at once. */
interface HoldingService {
  readonly url: string;
  held(): number;
  releaseAll(): void;
  close(): Promise<void>;
}

const startHoldingService = async (): Promise<HoldingService> => {
  const held: ServerResponse[] = [];
  let open = false;
  const answer = (response: ServerResponse) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"held":false}');
  const server: Server = createServer((_request, response) => {
    if (open) answer(response);
    else held.push(response);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`,
    held: () => held.length,
    releaseAll: () => {
      open = true;
      for (const response of held.splice(0)) if (!response.destroyed) answer(response);
    },
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
};

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

let server: ServerProcess;
let slow: HoldingService;
let admin: TempoClient;

beforeAll(async () => {
  [server, slow] = await Promise.all([startServerProcess(), startHoldingService()]);
  admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
});

afterAll(async () => {
  slow?.releaseAll();
  await Promise.all([server?.stop(), slow?.close()]);
});

const tenantNamed = async (name: string): Promise<TenantClient> =>
  admin.tenant((await admin.tenants.create({ name })).id);

describe('run slots shared between tenants', () => {
  it("runs another tenant's trigger at once while one tenant's long runs fill its share", async () => {
    const busy = await tenantNamed('Busy tenant');
    await createRestStep(busy, 'fair.slow', slow.url);
    const longFlow = await busy.flows.create({
      name: 'long',
      startStepId: 'fair.slow',
      transitions: { 'fair.slow': {} },
    });
    const longRuns = await Promise.all(Array.from({ length: 5 }, () => busy.flows.run(longFlow.id)));
    for (let i = 0; i < 200 && slow.held() < 3; i++) await pause(25);
    // Give a fourth run every chance to start if it could.
    await pause(300);

    const other = await tenantNamed('Other tenant');
    // A short flow time limit keeps the call's wait short (6 s) when it is stuck behind the others.
    const { trigger } = await createBuiltinTrigger(other, 'fair.quick', undefined, { maxRuntimeMs: 1_000 });
    const answer = await fetch(`${server.baseUrl}/v1.0/triggers/http/${trigger.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect({ status: answer.status, state: answer.headers.get('x-run-state') }).toEqual({
      status: 200,
      state: 'Succeeded',
    });
    expect(await answer.text()).toBe('{"sample":"builtin-method"}');
    expect(slow.held(), 'runs of the busy tenant executing: its share of the four slots').toBe(3);
    expect((await busy.runs.list({ dataFlowId: longFlow.id, state: 'Queued' })).items).toHaveLength(2);

    // The busy tenant's queued runs start once its own runs end.
    slow.releaseAll();
    for (const run of longRuns) expect((await waitForRunEnd(busy, run.id, 20_000)).state).toBe('Succeeded');
  });
});
