import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError } from './expect-api-error.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** The repository root (this file lives in apps/server/test). */
const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** Credentials the REST calls carry: none of them may be found anywhere but in the call itself. */
const STEP_SECRET = 'step-secret-7f3a9c21d4e8b6';
const INLINE_SECRET = 'inline-secret-2b8e4f61a9c7d3';
const SECRETS = [STEP_SECRET, INLINE_SECRET];

/** The id of the key each sealed value names, as stored. */
const KEY_ID = /enc:v1:(k[0-9a-f]{12}):/g;

/** Every file under a folder (but the key file, which holds keys, not secrets), as `path` → bytes. */
const filesUnder = (root: string): Map<string, Buffer> => {
  const found = new Map<string, Buffer>();
  const walk = (path: string) => {
    const stats = lstatSync(path);
    if (stats.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else if (stats.isFile() && !path.endsWith('secrets.keys')) found.set(path, readFileSync(path));
  };
  walk(root);
  return found;
};

/** The key ids named in the database files (the database, its WAL). */
const storedKeyIds = (dataDir: string): Set<string> => {
  const ids = new Set<string>();
  for (const [path, bytes] of filesUnder(dataDir)) {
    if (!/tempo\.db(-wal)?$/.test(path)) continue;
    for (const match of bytes.toString('latin1').matchAll(KEY_ID)) ids.add(match[1] ?? '');
  }
  return ids;
};

/** A REST target that answers 200 only to calls carrying both secrets where the steps put them. */
const startTarget = async (): Promise<{ server: Server; url: string }> => {
  const server = createServer((request, response) => {
    request.resume();
    const authorized =
      request.url === '/step'
        ? request.headers.authorization === `Bearer ${STEP_SECRET}`
        : request.headers['x-api-key'] === INLINE_SECRET;
    response.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ authorized, path: request.url }));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
};

describe('secrets at rest (issue 11)', () => {
  let target: { server: Server; url: string };
  let server: ServerProcess;
  let admin: TempoClient;
  let tenant: TenantClient;
  let tenantId: string;
  let triggerId: string;
  let stepId: string;
  let flowId: string;

  const connect = (running: ServerProcess) => {
    server = running;
    admin = new TempoClient({ baseUrl: running.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
    tenant = admin.tenant(tenantId);
  };

  /** Fires the flow: it succeeds only when both stored secrets reached the target. */
  const fire = async () => {
    const answer = await admin.httpTriggers.fire(triggerId, { body: {} });
    expect(answer.run, JSON.stringify(answer.output)).toMatchObject({ state: 'Succeeded' });
    // The target answers 401 to a call without its credential, which fails the run.
    expect(answer.output).toMatchObject({ StatusCode: 200 });
    return answer;
  };

  beforeAll(async () => {
    target = await startTarget();
    const first = await startServerProcess();
    tenantId = (
      await new TempoClient({
        baseUrl: first.baseUrl,
        credentials: { apiKey: TEST_ADMIN_API_KEY },
      }).tenants.list()
    ).items[0]?.id as string;
    connect(first);
    const step = await tenant.steps.create({
      executionKey: 'secret.call',
      name: 'call with a stored credential',
      runtimeKey: 'External.Rest',
      runtimeConfig: {
        runtimeKey: 'External.Rest',
        method: 'POST',
        url: `${target.url}/step`,
        headers: { Authorization: `Bearer ${STEP_SECRET}`, 'Content-Type': 'application/json' },
        timeoutMs: 5000,
      },
    });
    stepId = step.id;
    const flow = await tenant.flows.create({
      name: 'secrets at rest',
      startStepId: 'secret.call',
      transitions: {
        'secret.call': { onSuccess: 'inline.call' },
        'inline.call': {
          stepType: 'Rest',
          rest: {
            method: 'GET',
            url: `${target.url}/inline`,
            headers: { 'x-api-key': INLINE_SECRET },
            timeoutMs: 5000,
          },
        },
      },
    });
    flowId = flow.id;
    triggerId = (await tenant.triggers.create({ name: 'secrets at rest', dataFlowId: flow.id })).id;
  });

  afterAll(async () => {
    await server?.stop();
    target?.server.close();
  });

  it('uses the stored credentials, yet no database byte, log, run log or API answer holds them', async () => {
    const answer = await fire();
    const { runId } = answer.run;
    // A direct run too, so a run started outside a trigger has its snapshot stored as well.
    await tenant.flows.run(flowId, { data: {} });
    // Give the asynchronous log transport and the run writes a moment.
    await new Promise((settle) => setTimeout(settle, 1500));
    const paths = [
      `/v1.0/tenants/${tenantId}/steps?pageSize=1000`,
      `/v1.0/tenants/${tenantId}/steps/${stepId}`,
      `/v1.0/tenants/${tenantId}/flows?pageSize=1000`,
      `/v1.0/tenants/${tenantId}/flows/${flowId}`,
      `/v1.0/tenants/${tenantId}/triggers?pageSize=1000`,
      `/v1.0/tenants/${tenantId}/runs?pageSize=1000`,
      `/v1.0/tenants/${tenantId}/runs/${runId}`,
      `/v1.0/tenants/${tenantId}/runs/${runId}/steps`,
      `/v1.0/tenants/${tenantId}/runs/${runId}/activity`,
    ];
    const answers: string[] = [];
    for (const path of paths) {
      const read = await admin.raw('GET', path);
      expect(read.status, path).toBe(200);
      answers.push(JSON.stringify(read.body));
    }
    const served = answers.join('\n');
    // What an editor needs to see is still there; only the credential values are hidden.
    const step = await tenant.steps.get(stepId);
    expect(step.runtimeConfig).toMatchObject({
      headers: { Authorization: '****', 'Content-Type': 'application/json' },
    });
    expect((await tenant.flows.get(flowId)).transitions['inline.call']?.rest?.headers).toEqual({
      'x-api-key': '****',
    });
    const files = filesUnder(server.dataDir);
    expect([...files.keys()].some((path) => path.endsWith('tempo.db'))).toBe(true);
    expect([...files.keys()].some((path) => path.includes('logs'))).toBe(true);
    for (const secret of SECRETS) {
      expect(served.includes(secret), `an API answer holds ${secret}`).toBe(false);
      expect(server.output().includes(secret), `the server output holds ${secret}`).toBe(false);
      for (const [path, bytes] of files)
        expect(bytes.includes(Buffer.from(secret)), `${path} holds ${secret}`).toBe(false);
    }
    // The secrets are in the database, sealed under the generated key.
    expect(storedKeyIds(server.dataDir).size).toBe(1);
  });

  it('keeps a stored credential when a step or flow is saved back with the **** it was shown', async () => {
    const step = await tenant.steps.get(stepId);
    await tenant.steps.update(stepId, {
      runtimeKey: step.runtimeKey,
      runtimeConfig: step.runtimeConfig ?? undefined,
    });
    const flow = await tenant.flows.get(flowId);
    await tenant.flows.update(flowId, { transitions: flow.transitions });
    await fire();
  });

  it('refuses to send a kept credential anywhere else: a moved URL must bring its own', async () => {
    const step = await tenant.steps.get(stepId);
    const config = step.runtimeConfig as { url: string; headers: Record<string, string> };
    const moved = { ...config, url: 'http://127.0.0.1:9/steal' };
    const refused = await expectApiError(
      tenant.steps.update(stepId, { runtimeKey: step.runtimeKey, runtimeConfig: moved as never }),
      400,
      'BadRequest',
    );
    expect(refused.message).toMatch(/send the credential again/);
    const flow = await tenant.flows.get(flowId);
    const transitions = JSON.parse(JSON.stringify(flow.transitions)) as Record<
      string,
      { rest?: { url: string } | null }
    >;
    const node = Object.values(transitions).find((candidate) => candidate.rest);
    if (!node?.rest) throw new Error('the flow has no inline REST node');
    node.rest.url = 'http://127.0.0.1:9/steal';
    await expectApiError(
      tenant.flows.update(flowId, { transitions: transitions as never }),
      400,
      'BadRequest',
    );
    // Nothing changed: the stored calls still carry their credentials to the right place.
    await fire();
  });

  it('rotates to a new key: every secret sealed again, the old key id gone, the calls still work', async () => {
    await server.stop({ keepDataDir: true });
    const [oldKeyId] = storedKeyIds(server.dataDir);
    const rotation = spawnSync(
      join(REPO_ROOT, 'tempo'),
      ['secrets', 'rotate', '--data-dir', server.dataDir],
      {
        encoding: 'utf8',
        env: { ...process.env, TEMPO_SETTINGS_FILE: '' },
      },
    );
    expect(rotation.status, rotation.stderr).toBe(0);
    expect(rotation.stdout).toMatch(/1 step, 1 flow and \d+ runs sealed under key k[0-9a-f]{12}/);
    const after = storedKeyIds(server.dataDir);
    expect(after.size).toBe(1);
    expect(after.has(oldKeyId ?? '')).toBe(false);
    expect(rotation.stdout).toContain(`key ${oldKeyId} no longer used`);
    connect(await startServerProcess({}, server.dataDir));
    await fire();
  });

  it('refuses to start when stored secrets name a key that is not configured, and says what to do', async () => {
    await server.stop({ keepDataDir: true });
    const keyFile = join(server.dataDir, 'secrets.keys');
    const kept = readFileSync(keyFile);
    const [keyId] = storedKeyIds(server.dataDir);
    rmSync(keyFile);
    const attempt = await startServerProcess({}, server.dataDir).then(
      async (started) => {
        await started.stop({ keepDataDir: true });
        return new Error('the server started without the key of its stored secrets');
      },
      (error: unknown) => error as Error,
    );
    expect(attempt.message).toMatch(/exited with 1 before listening/);
    expect(attempt.message).toContain(
      `stored secrets are encrypted with key ${keyId}, which is not configured`,
    );
    expect(attempt.message).toMatch(/Restore the secrets key file from a backup/);
    // A wrong key given in the settings is refused the same way.
    const wrong = await startServerProcess(
      { secrets: { key: 'a wrong key of more than thirty-two characters' } },
      server.dataDir,
    ).then(
      async (started) => {
        await started.stop({ keepDataDir: true });
        return new Error('the server started with a wrong key');
      },
      (error: unknown) => error as Error,
    );
    expect(wrong.message).toContain(`key ${keyId}, which is not configured`);
    // With the key file back, the server starts and the secrets work again.
    writeFileSync(keyFile, kept, { mode: 0o600 });
    connect(await startServerProcess({ secrets: { key: '' } }, server.dataDir));
    await fire();
  });
});
