import { existsSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TempoClient, type TenantClient } from '@tempo/client';
import type { RunLogContentResponse, RunLogFileEntry } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture, waitForRunEnd } from './api-fixture.ts';
import { createShellStep, triggerFor } from './runtime-fixture.ts';
import { startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

let f: ApiFixture;
let t: TenantClient;
let admin: TempoClient;

beforeAll(async () => {
  f = await startApiFixture();
  admin = f.admin;
  t = admin.tenant(f.tenantA);
}, 120_000);

afterAll(async () => {
  await f?.stop();
});

const logs = (tenantId: string, runId: string) => `/v1.0/tenants/${tenantId}/runs/${runId}/logs`;

const list = async (client: TempoClient, runId: string, tenantId = f.tenantA) => {
  const answer = await client.raw('GET', logs(tenantId, runId));
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as RunLogFileEntry[];
};

const content = async (
  client: TempoClient,
  runId: string,
  path: string,
  query: Record<string, string> = {},
) => {
  const answer = await client.raw('GET', `${logs(f.tenantA, runId)}/content`, { query: { path, ...query } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as RunLogContentResponse;
};

/** Waits until the run's `run.log` holds its end line: the log is written beside the run, after it. */
const waitForLogEnd = async (client: TempoClient, runId: string) => {
  for (let i = 0; i < 100; i++) {
    const files = await list(client, runId);
    if (files.some((file) => file.kind === 'Run')) {
      const run = await content(client, runId, 'run.log');
      if (run.content.includes('run ended')) return files;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} has no complete log`);
};

const fire = async (key: string) => {
  const answer = await admin.httpTriggers.fire(await triggerFor(t, key), { body: {} });
  return answer.run.runId;
};

const runFolder = (dataDir: string, runId: string) => join(dataDir, 'run-logs', runId);

const HANDLER = [
  '#!/bin/sh',
  'cat > /dev/null',
  'echo "handler log line of $TEMPO_STEP_ID in $TEMPO_FLOW_RUN_ID ($TEMPO_RUN_LOG_KIND)" >> "$TEMPO_RUN_LOG_FILE"',
  'echo "handler stderr line" >&2',
  `printf '{"result":"Success","data":{"assignment":"%s","worker":"%s"}}' "$TEMPO_RUN_ASSIGNMENT_ID" "$TEMPO_WORKER_ID"`,
  '',
].join('\n');

describe('run logs on disk', () => {
  let runId = '';

  it('keeps engine lines, the handler log file and its stderr, by kind', async () => {
    await createShellStep(t, 'logs.handler', HANDLER);
    runId = await fire('logs.handler');
    const files = await waitForLogEnd(admin, runId);
    expect(files.map((file) => file.kind).sort()).toEqual(['Host', 'Run', 'Step', 'StepStderr', 'Worker']);
    const step = files.find((file) => file.kind === 'Step') as RunLogFileEntry;
    expect(step).toMatchObject({
      flowRunId: runId,
      attemptNumber: 1,
      workerId: 'wrk_local_server',
      stepId: 'logs.handler',
      active: false,
      deleteAllowed: true,
      downloadAllowed: true,
      deleteMode: 'Delete',
    });
    expect(step.path).toMatch(
      /^attempt-001-ras_[A-Za-z0-9_]+\/step-001-sru_[A-Za-z0-9_]+-logs_handler\.log$/,
    );
    const run = await t.runs.get(runId);
    expect(step.runAssignmentId).toBe(run.runAssignmentId);
    expect(JSON.parse(run.outputData ?? '{}')).toEqual({
      assignment: run.runAssignmentId,
      worker: 'wrk_local_server',
    });

    const own = await content(admin, runId, step.path);
    expect(own.content).toContain(`handler log line of logs.handler in ${runId} (Step)`);
    expect(own.content).toMatch(/ended Success in \d+ ms/);
    expect(own).toMatchObject({ contentType: 'text/plain; charset=utf-8', truncated: false });
    const stderr = files.find((file) => file.kind === 'StepStderr') as RunLogFileEntry;
    expect((await content(admin, runId, stderr.path)).content).toBe('handler stderr line\n');
    const host = files.find((file) => file.kind === 'Host') as RunLogFileEntry;
    expect((await content(admin, runId, host.path)).content).toMatch(/exited with code 0/);
    const worker = files.find((file) => file.kind === 'Worker') as RunLogFileEntry;
    expect((await content(admin, runId, worker.path)).content).toMatch(/step 1 "logs.handler" .* started/);
    const runLog = await content(admin, runId, 'run.log');
    expect(runLog.content).toMatch(/run accepted/);
    expect(runLog.content).toMatch(/run ended Succeeded/);

    // A bounded tail: the last line only.
    const last = await content(admin, runId, 'run.log', { tailLines: '1' });
    expect(last.content.trim().split('\n')).toHaveLength(1);
    expect(last).toMatchObject({ truncated: true, tailLines: 1 });
    // Limits past the settings are clamped, not refused.
    expect(
      await content(admin, runId, 'run.log', { tailLines: '999999', maxBytes: '999999999' }),
    ).toMatchObject({
      tailLines: 5000,
      maxBytes: 1048576,
    });

    const download = await admin.raw('GET', `${logs(f.tenantA, runId)}/download`, {
      query: { path: 'run.log' },
    });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="${runId}-run.log"`);
    expect(download.body).toBe(runLog.content);
  }, 60_000);

  it('refuses paths that leave the run folder with 400', async () => {
    const refused = [
      '../run.log',
      `../${runId}/run.log`,
      '/etc/passwd',
      'attempt-001-x/../../tempo.json',
      '..\\tempo.json',
      'run.log\u0000',
      '%2e%2e/%2e%2e/tempo.json',
      'C:/tempo.json',
      './run.log',
    ];
    for (const path of refused) {
      for (const route of ['content', 'download']) {
        const answer = await admin.raw('GET', `${logs(f.tenantA, runId)}/${route}`, { query: { path } });
        expect({ path, route, status: answer.status, body: answer.body }).toMatchObject({
          status: 400,
          body: { error: 'BadRequest' },
        });
      }
      const deleted = await admin.raw('DELETE', `${logs(f.tenantA, runId)}/content`, { query: { path } });
      expect({ path, status: deleted.status }).toEqual({ path, status: 400 });
    }
    // Encoded once more than the query needs: the server decodes once and still refuses.
    for (const raw of ['%2e%2e%2f%2e%2e%2ftempo.json', '%252e%252e%252ftempo.json', '..%5ctempo.json']) {
      const answer = await admin.raw('GET', `${logs(f.tenantA, runId)}/content?path=${raw}`);
      expect({ raw, status: answer.status }).toEqual({ raw, status: 400 });
    }
    // A link planted in the run folder (as a handler running without isolation could) that leads out.
    const folder = runFolder(f.server.dataDir, runId);
    const attempt = readdirSync(folder).find((name) => name.startsWith('attempt-')) as string;
    symlinkSync(join(f.server.dataDir, 'tempo.json'), join(folder, attempt, 'step-009-sru_01PLANTED-x.log'));
    const planted = `${attempt}/step-009-sru_01PLANTED-x.log`;
    const viaLink = await admin.raw('GET', `${logs(f.tenantA, runId)}/content`, { query: { path: planted } });
    expect(viaLink.status).toBe(400);
    const download = await admin.raw('GET', `${logs(f.tenantA, runId)}/download`, {
      query: { path: planted },
    });
    expect(download.status).toBe(400);
    expect((await list(admin, runId)).map((file) => file.path)).not.toContain(planted);
    // Not a log file of the layout: the manifest is no log.
    const manifest = await admin.raw('GET', `${logs(f.tenantA, runId)}/content`, {
      query: { path: 'manifest.json' },
    });
    expect(manifest.status).toBe(404);
  });

  it('keeps handlers from other runs’ logs and from the run-log folder', async () => {
    const victim = join(runFolder(f.server.dataDir, runId), 'run.log');
    const before = readFileSync(victim, 'utf8');
    await createShellStep(
      t,
      'logs.intruder',
      [
        '#!/bin/sh',
        'cat > /dev/null',
        'tried=""',
        `echo intruder >> "${victim}" 2>/dev/null && tried="$tried wrote-victim"`,
        `cat "${victim}" > /dev/null 2>&1 && tried="$tried read-victim"`,
        'ln -s /etc/passwd "$TEMPO_RUN_LOG_DIR/step-099-sru_01EVIL-x.log" 2>/dev/null && tried="$tried planted-link"',
        'echo x > "$TEMPO_RUN_LOG_DIR/worker.log" 2>/dev/null && tried="$tried wrote-worker-log"',
        `ls "$TEMPO_RUN_LOG_DIR/../.." 2>/dev/null | grep -q ${runId} && tried="$tried listed-other-run"`,
        'echo "own file works" >> "$TEMPO_RUN_LOG_FILE" || tried="$tried own-file-failed"',
        `printf '{"result":"Success","data":{"tried":"%s"}}' "$tried"`,
        '',
      ].join('\n'),
    );
    const intruder = await fire('logs.intruder');
    const run = await t.runs.get(intruder);
    expect(JSON.parse(run.outputData ?? '{}')).toEqual({ tried: '' });
    expect(readFileSync(victim, 'utf8')).toBe(before);
    const files = await waitForLogEnd(admin, intruder);
    const step = files.find((file) => file.kind === 'Step') as RunLogFileEntry;
    expect((await content(admin, intruder, step.path)).content).toContain('own file works');
  }, 60_000);

  it('answers 404 to another tenant and refuses deletes to a read-only user', async () => {
    for (const [method, suffix, query] of [
      ['GET', '', {}],
      ['GET', '/content', { path: 'run.log' }],
      ['GET', '/download', { path: 'run.log' }],
      ['DELETE', '/content', { path: 'run.log' }],
      ['DELETE', '', {}],
    ] as const) {
      // Tenant B's administrator naming our run under its own tenant, and under ours.
      const own = await f.tenantBUser.raw(method, `${logs(f.tenantB, runId)}${suffix}`, { query });
      expect({ method, suffix, status: own.status }).toEqual({ method, suffix, status: 404 });
      const ours = await f.tenantBUser.raw(method, `${logs(f.tenantA, runId)}${suffix}`, { query });
      expect([403, 404]).toContain(ours.status);
    }
    expect((await list(f.as.ReadOnly, runId)).length).toBeGreaterThan(0);
    const one = await f.as.ReadOnly.raw('DELETE', `${logs(f.tenantA, runId)}/content`, {
      query: { path: 'run.log' },
    });
    expect(one.status).toBe(403);
    const all = await f.as.ReadOnly.raw('DELETE', logs(f.tenantA, runId));
    expect(all.status).toBe(403);
    expect(existsSync(join(runFolder(f.server.dataDir, runId), 'run.log'))).toBe(true);
  });

  it('refuses to delete the active files of a running run, then deletes them once it ended', async () => {
    await createShellStep(
      t,
      'logs.running',
      [
        '#!/bin/sh',
        'cat > /dev/null',
        'echo "still working" >> "$TEMPO_RUN_LOG_FILE"',
        'sleep 4',
        `printf '{"result":"Success"}'`,
        '',
      ].join('\n'),
      { maxRuntimeMs: 30_000 },
    );
    const flowId = (await t.triggers.get(await triggerFor(t, 'logs.running'))).dataFlowId ?? '';
    const queued = await t.flows.run(flowId, {});
    let files: RunLogFileEntry[] = [];
    for (let i = 0; i < 60 && !files.some((file) => file.kind === 'Step'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      files = await list(admin, queued.id);
    }
    expect((await t.runs.get(queued.id)).state).toBe('Running');
    const step = files.find((file) => file.kind === 'Step') as RunLogFileEntry;
    expect(step).toMatchObject({ active: true, deleteAllowed: false });
    const one = await admin.raw('DELETE', `${logs(f.tenantA, queued.id)}/content`, {
      query: { path: step.path },
    });
    expect(one).toMatchObject({ status: 409, body: { error: 'Conflict' } });
    const all = await admin.raw('DELETE', logs(f.tenantA, queued.id));
    expect(all).toMatchObject({ status: 409, body: { error: 'Conflict' } });

    await waitForRunEnd(t, queued.id, 20_000);
    const ended = await waitForLogEnd(admin, queued.id);
    expect(ended.every((file) => !file.active && file.deleteAllowed)).toBe(true);
    const removed = await admin.raw('DELETE', `${logs(f.tenantA, queued.id)}/content`, {
      query: { path: step.path },
    });
    expect(removed.status).toBe(204);
    expect((await list(admin, queued.id)).map((file) => file.path)).not.toContain(step.path);
    expect((await admin.raw('DELETE', logs(f.tenantA, queued.id))).status).toBe(204);
    expect(await list(admin, queued.id)).toEqual([]);
    expect(existsSync(runFolder(f.server.dataDir, queued.id))).toBe(false);
  }, 60_000);

  it('caps a run that writes 100 MB with one marker while the server RSS stays flat', async () => {
    const serverPid = serverPidOf(f.server.dataDir);
    const before = rssKib(serverPid);
    await createShellStep(
      t,
      'logs.flood',
      [
        '#!/bin/sh',
        'cat > /dev/null',
        // 100 MiB of lines into its own file, and 512 KiB to stderr (under the host's stderr cap).
        `i=0; while [ $i -lt 100 ]; do head -c 1048576 /dev/zero | tr '\\0' 'x' | fold -w 1023 >> "$TEMPO_RUN_LOG_FILE"; i=$((i+1)); done`,
        `head -c 524288 /dev/zero | tr '\\0' 'e' | fold -w 1023 >&2`,
        `printf '{"result":"Success"}'`,
        '',
      ].join('\n'),
      { maxRuntimeMs: 120_000 },
    );
    const flood = await fire('logs.flood');
    // Past the cap even the run's end line is dropped: wait for the run, then for its last flush.
    expect((await waitForRunEnd(t, flood, 60_000)).state).toBe('Succeeded');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const files = await list(admin, flood);
    const after = rssKib(serverPid);
    const total = files.reduce((sum, file) => sum + file.byteLength, 0);
    const cap = 10 * 1024 * 1024;
    expect(total).toBeLessThanOrEqual(cap + 4096);
    const step = files.find((file) => file.kind === 'Step') as RunLogFileEntry;
    const tail = await content(admin, flood, step.path, { tailLines: '2' });
    expect(tail.content).toContain('[tempo] run log truncated');
    const markers = files.map((file) =>
      readFileSync(join(runFolder(f.server.dataDir, flood), file.path), 'utf8'),
    );
    expect(markers.join('').split('[tempo] run log truncated').length - 1).toBe(1);
    console.info(
      `run-log flood: server VmRSS ${before} KiB before, ${after} KiB after; run logs ${total} bytes`,
    );
    expect(after - before).toBeLessThan(64 * 1024);
  }, 180_000);

  it('frees the disk a handler reserves past the end of its log file (fallocate keep-size)', async () => {
    await createShellStep(
      t,
      'logs.reserve',
      [
        '#!/bin/sh',
        'cat > /dev/null',
        'echo "reserving" >> "$TEMPO_RUN_LOG_FILE"',
        // 200 MiB of blocks past the end of the file: its size stays a few bytes.
        'fallocate -n -l 200M "$TEMPO_RUN_LOG_FILE" || exit 3',
        'sleep 1',
        `printf '{"result":"Success"}'`,
        '',
      ].join('\n'),
      { maxRuntimeMs: 30_000 },
    );
    const reserve = await fire('logs.reserve');
    expect((await waitForRunEnd(t, reserve, 20_000)).state).toBe('Succeeded');
    const files = await waitForLogEnd(admin, reserve);
    const step = files.find((file) => file.kind === 'Step') as RunLogFileEntry;
    const path = join(runFolder(f.server.dataDir, reserve), step.path);
    const allocated = statSync(path).blocks * 512;
    expect(allocated).toBeLessThanOrEqual(10 * 1024 * 1024);
    expect(readFileSync(path, 'utf8')).toContain('reserving');
    const host = files.find((file) => file.kind === 'Host') as RunLogFileEntry;
    expect((await content(admin, reserve, host.path)).content).toMatch(/reservation was freed/);
  }, 60_000);

  it('keeps the logs readable after the server restarts', async () => {
    const dataDir = f.server.dataDir;
    const first = await list(admin, runId);
    await f.server.stop({ keepDataDir: true });
    const again = await startServerProcess({}, dataDir);
    try {
      const restarted = new TempoClient({ baseUrl: again.baseUrl }).withCredentials({
        apiKey: TEST_ADMIN_API_KEY,
      });
      const files = await list(restarted, runId);
      expect(files.map((file) => file.path)).toEqual(first.map((file) => file.path));
      const step = files.find((file) => file.kind === 'Step') as RunLogFileEntry;
      const answer = await restarted.raw('GET', `${logs(f.tenantA, runId)}/content`, {
        query: { path: step.path },
      });
      expect((answer.body as RunLogContentResponse).content).toContain('handler log line of logs.handler');
    } finally {
      await again.stop();
    }
  }, 120_000);
});

/** The pid of the server process started on `dataDir` (its command line names its settings file). */
const serverPidOf = (dataDir: string): number => {
  const wanted = join(dataDir, 'tempo.json');
  const candidates = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  for (const pid of candidates) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(wanted) && cmdline.includes('node')) return Number(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  throw new Error('server process not found');
};

const rssKib = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
};
