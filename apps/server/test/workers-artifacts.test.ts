import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { TempoClient } from '@tempo/client';
import { newId } from '@tempo/core/ids';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShellStep } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

// The worker-scoped package download (spec §4.6). No dispatcher assigns runs yet, so the test
// writes the assignment rows a dispatcher would write, straight into the server's database.

let server: ServerProcess;
let admin: TempoClient;
let tenantId: string;
let otherTenantId: string;
let runId: string;
let sha256: string;
let packageBytes: Buffer;
const tokens: Record<string, string> = {};

const rotate = async (id: string): Promise<string> => {
  const answer = await admin.raw('POST', `/v1.0/workers/${id}/rotate-token`);
  return (answer.body as { token: string }).token;
};

/** Inserts an assignment of `runId` to a worker; resolves to its id and lease token. */
const assign = async (
  workerId: string,
  fields: {
    readonly flowRunId?: string;
    readonly state?: 'Assigned' | 'Succeeded';
    readonly completedUtc?: string;
  } = {},
) => {
  const database = await openDatabase({ type: 'Sqlite', filename: join(server.dataDir, 'tempo.db') });
  try {
    const row = await database.repositories.runAssignments.create({
      id: newId('runAssignment'),
      flowRunId: fields.flowRunId ?? runId,
      workerId,
      workerSessionId: null,
      attemptNumber: 1,
      state: fields.state ?? 'Assigned',
      leaseToken: newId('tokenNonce'),
      leaseExpiresUtc: new Date(Date.now() + 300_000).toISOString(),
      assignedUtc: new Date().toISOString(),
      completedUtc: fields.completedUtc ?? null,
    });
    return { runAssignmentId: row.id, leaseToken: row.leaseToken };
  } finally {
    await database.close();
  }
};

interface DownloadCall {
  readonly workerId?: string;
  readonly token?: string;
  readonly tenantId?: string;
  readonly sha256?: string;
  readonly runAssignmentId?: string;
  readonly leaseToken?: string;
}

const download = async (call: DownloadCall) => {
  const query = new URLSearchParams();
  if (call.runAssignmentId !== undefined) query.set('runAssignmentId', call.runAssignmentId);
  if (call.leaseToken !== undefined) query.set('leaseToken', call.leaseToken);
  const headers: Record<string, string> = {};
  if (call.workerId !== undefined) headers['x-worker-id'] = call.workerId;
  if (call.token !== undefined) headers['x-worker-token'] = call.token;
  const response = await fetch(
    `${server.baseUrl}/v1.0/workers/artifacts/${call.tenantId ?? tenantId}/blobs/${call.sha256 ?? sha256}/download?${query}`,
    { headers },
  );
  const bytes = Buffer.from(await response.arrayBuffer());
  const error = response.headers.get('content-type')?.includes('json')
    ? (JSON.parse(bytes.toString()) as { error: string }).error
    : null;
  return { status: response.status, bytes, error, headers: response.headers };
};

beforeAll(async () => {
  server = await startServerProcess();
  admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  tenantId = (await admin.tenants.list()).items[0]?.id ?? '';
  otherTenantId = (await admin.tenants.create({ name: 'Other tenant' })).id;
  const tenant = admin.tenant(tenantId);
  const step = await createShellStep(tenant, 'worker.package', '#!/bin/sh\ncat\n');
  const config = step.runtimeConfig as { artifactId: string };
  packageBytes = Buffer.from(
    await (
      await fetch(
        `${server.baseUrl}/v1.0/tenants/${tenantId}/artifacts/${config.artifactId}/versions/1.0.0/download`,
        {
          headers: { 'x-api-key': TEST_ADMIN_API_KEY },
        },
      )
    ).arrayBuffer(),
  );
  sha256 = createHash('sha256').update(packageBytes).digest('hex');
  const flow = await tenant.flows.create({
    name: 'package flow',
    startStepId: 'worker.package',
    transitions: { 'worker.package': {} },
  });
  runId = (await tenant.flows.run(flow.id, {})).id;
  tokens.wrk_fetch = await rotate('wrk_fetch');
  tokens.wrk_other = await rotate('wrk_other');
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

describe('worker artifact download', () => {
  it('serves the package pinned by the run of an open assignment of this worker, with its lease token', async () => {
    const { runAssignmentId, leaseToken } = await assign('wrk_fetch');
    const answer = await download({
      workerId: 'wrk_fetch',
      token: tokens.wrk_fetch,
      runAssignmentId,
      leaseToken,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-tempo-sha256')).toBe(sha256);
    expect(createHash('sha256').update(answer.bytes).digest('hex')).toBe(sha256);
    expect(answer.bytes.equals(packageBytes)).toBe(true);
    // The hash is matched whatever its case.
    const upper = await download({
      workerId: 'wrk_fetch',
      token: tokens.wrk_fetch,
      runAssignmentId,
      leaseToken,
      sha256: sha256.toUpperCase(),
    });
    expect(upper.status).toBe(200);
  });

  it('refuses callers without worker credentials or with wrong ones (401)', async () => {
    const { runAssignmentId, leaseToken } = await assign('wrk_fetch');
    const cases: DownloadCall[] = [
      { runAssignmentId, leaseToken },
      { workerId: 'wrk_fetch', runAssignmentId, leaseToken },
      { workerId: 'wrk_fetch', token: `${tokens.wrk_fetch}x`, runAssignmentId, leaseToken },
      { workerId: 'wrk_fetch', token: tokens.wrk_other, runAssignmentId, leaseToken },
      { workerId: 'wrk_nobody', token: tokens.wrk_fetch, runAssignmentId, leaseToken },
    ];
    for (const call of cases)
      expect(await download(call)).toMatchObject({ status: 401, error: 'Unauthorized' });
  });

  it('refuses a download no open assignment of this worker authorizes (403)', async () => {
    const mine = await assign('wrk_fetch');
    const theirs = await assign('wrk_other');
    const done = await assign('wrk_fetch', { state: 'Succeeded', completedUtc: new Date().toISOString() });
    const elsewhere = await assign('wrk_fetch', { flowRunId: 'run_does_not_exist' });
    const auth = { workerId: 'wrk_fetch', token: tokens.wrk_fetch };
    const cases: DownloadCall[] = [
      // Another worker's assignment, even with its lease token.
      { ...auth, ...theirs },
      // The wrong lease token.
      { ...auth, runAssignmentId: mine.runAssignmentId, leaseToken: theirs.leaseToken },
      // A completed assignment.
      { ...auth, ...done },
      // An assignment of no run of this tenant.
      { ...auth, ...elsewhere },
      // The run is not in the tenant the path names.
      { ...auth, ...mine, tenantId: otherTenantId },
      // A package the run does not pin.
      { ...auth, ...mine, sha256: 'ab'.repeat(32) },
      // An assignment that does not exist.
      { ...auth, runAssignmentId: 'ras_unknown', leaseToken: mine.leaseToken },
    ];
    for (const call of cases) expect(await download(call)).toMatchObject({ status: 403, error: 'Forbidden' });
    // Blocked: the worker's token no longer authenticates it.
    await admin.raw('POST', '/v1.0/workers/wrk_other/block');
    expect(await download({ workerId: 'wrk_other', token: tokens.wrk_other, ...theirs })).toMatchObject({
      status: 401,
    });
  });

  it('answers malformed requests 400', async () => {
    const { runAssignmentId, leaseToken } = await assign('wrk_fetch');
    const auth = { workerId: 'wrk_fetch', token: tokens.wrk_fetch };
    expect(await download({ ...auth, runAssignmentId, leaseToken, sha256: 'not-a-hash' })).toMatchObject({
      status: 400,
    });
    expect(await download({ ...auth, leaseToken })).toMatchObject({ status: 400 });
    expect(await download({ ...auth, runAssignmentId })).toMatchObject({ status: 400 });
  });
});
