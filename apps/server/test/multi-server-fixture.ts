import { TempoClient, type TenantClient } from '@tempo/client';
import { openDatabase, type TempoDatabase } from '@tempo/core/store';
import { createRestStep } from './api-fixture.ts';
import type { SlowTarget } from './dispatch-fixture.ts';
import { postgresSection, type ServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** The lease and poll of the multi-server suites: short, so a takeover fits in a test. */
export const LEASE_MS = 3000;
export const POLL_MS = 200;

/**
 * Settings of every server of a multi-server suite: one PostgreSQL database, one secrets key and
 * one credential hash key (worker tokens are stored hashed under it, so every server checks them).
 */
export const multiServerSettings = () => ({
  database: postgresSection(),
  secrets: { key: 'multi-server-dispatch-test-key-0123456789abcdef' },
  auth: { credentialHashKey: 'multi-server-credential-hash-key-0123456789abc' },
  engine: {
    serverCanExecuteWorkload: false,
    pollIntervalMs: POLL_MS,
    schedulerLeaseMs: LEASE_MS,
    workerHeartbeatTimeoutMs: 5000,
    leaseDurationMs: 60_000,
  },
});

/** Empties the shared test database (as the other PostgreSQL suites do) and opens it for reads. */
export const emptyDatabase = async (): Promise<TempoDatabase> => {
  const reset = await openDatabase(postgresSection());
  try {
    await reset.dialect.executeDdl('DROP SCHEMA IF EXISTS public CASCADE');
    await reset.dialect.executeDdl('CREATE SCHEMA public');
  } finally {
    await reset.close();
  }
  return openDatabase(postgresSection());
};

export const adminOf = (server: ServerProcess) =>
  new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });

export const tenantOf = async (server: ServerProcess): Promise<TenantClient> => {
  const admin = adminOf(server);
  return admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
};

/** The server among `servers` holding the scheduler lease now (by its instance row's address), or null. */
export const schedulerOf = async (
  db: TempoDatabase,
  servers: readonly ServerProcess[],
): Promise<ServerProcess | null> => {
  const lease = await db.repositories.schedulerLeases.read('scheduler');
  if (!lease?.holderInstanceId) return null;
  const row = await db.repositories.serverInstances.get(lease.holderInstanceId);
  const port = row?.hostName?.split(':').pop();
  return servers.find((server) => port && server.baseUrl.endsWith(`:${port}`)) ?? null;
};

/** A Public one-step flow calling the slow target for `ms` behind a trigger; `label` pins it. */
export const slowTrigger = async (
  tenant: TenantClient,
  target: SlowTarget,
  key: string,
  ms: number,
  label?: string,
) => {
  await createRestStep(tenant, key, `${target.url}/wait?ms=${ms}`);
  const flow = await tenant.flows.create({
    name: key,
    startStepId: key,
    transitions: { [key]: {} },
    ...(label ? { routingHintLabel: label } : {}),
  });
  return tenant.triggers.create({ name: key, dataFlowId: flow.id });
};

/** One trigger call: status, body and the run headers (status 0 when the connection failed). */
export interface TriggerAnswer {
  readonly status: number;
  readonly body: string;
  readonly runId: string | null;
  readonly workerId: string | null;
  /** From the call to the end of the answer, in ms. */
  readonly elapsedMs: number;
}

export const fire = async (server: ServerProcess, triggerId: string): Promise<TriggerAnswer> => {
  const startedMs = performance.now();
  try {
    const response = await fetch(`${server.baseUrl}/v1.0/triggers/http/${triggerId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(90_000),
    });
    return {
      status: response.status,
      body: await response.text(),
      runId: response.headers.get('x-run-id'),
      workerId: response.headers.get('x-worker-id'),
      elapsedMs: Math.round(performance.now() - startedMs),
    };
  } catch {
    return {
      status: 0,
      body: '',
      runId: null,
      workerId: null,
      elapsedMs: Math.round(performance.now() - startedMs),
    };
  }
};
