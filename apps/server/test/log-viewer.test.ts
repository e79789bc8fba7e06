import { existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempoClient } from '@tempo/client';
import type { LogFileContent, LogFileDeleteResult, LogFileRecord, LogSourceRecord } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';
import { TEST_ADMIN_API_KEY } from './server-process.ts';

let f: ApiFixture;
let admin: TempoClient;
const WORKER = 'wrk_viewer_1';
let workerFolder: string;

const ARCHIVED_TEXT = 'archived line 1\narchived line 2\n';
const CURRENT_TEXT = Array.from({ length: 50 }, (_, i) => `worker line ${i + 1}`)
  .join('\n')
  .concat('\n');

/** The artifact root, put where a worker's log folder would be: nothing in it is ever served. */
const ARTIFACT_WORKER = 'wrk_artifacts';
const ARTIFACT_ROOT_VARIABLE = 'TEMPO_ARTIFACTS_ROOT_PATH';

beforeAll(async () => {
  process.env[ARTIFACT_ROOT_VARIABLE] = `./worker-logs/${ARTIFACT_WORKER}`;
  try {
    f = await startApiFixture();
  } finally {
    delete process.env[ARTIFACT_ROOT_VARIABLE];
  }
  admin = f.admin;
  // A worker's log folder under the default worker root (./worker-logs beside the settings file).
  workerFolder = join(f.server.dataDir, 'worker-logs', WORKER);
  mkdirSync(workerFolder, { recursive: true });
  writeFileSync(join(workerFolder, 'tempo-worker.1.log'), ARCHIVED_TEXT);
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(join(workerFolder, 'tempo-worker.1.log'), hourAgo, hourAgo);
  writeFileSync(join(workerFolder, 'tempo-worker.2.log'), CURRENT_TEXT);
  // Things in the folder that are not its log, and links out of it: never served.
  writeFileSync(join(workerFolder, 'notes.txt'), 'not a log\n');
  symlinkSync(join(f.server.dataDir, 'tempo.json'), join(workerFolder, 'tempo-worker.9.log'));
  symlinkSync(join(f.server.dataDir, 'logs'), join(f.server.dataDir, 'worker-logs', 'wrk_linked'));
});

afterAll(async () => {
  await f?.stop();
});

const query = (path: string, values: Record<string, string | number>) =>
  `${path}?${new URLSearchParams(Object.entries(values).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;

const get = async <T>(client: TempoClient, path: string, values: Record<string, string | number> = {}) => {
  const answer = await client.raw('GET', query(path, values));
  return { status: answer.status, body: answer.body as T };
};

/** A request with the query written by hand, so encodings reach the server exactly as given. */
const rawGet = (pathAndQuery: string) =>
  fetch(`${f.server.baseUrl}${pathAndQuery}`, { headers: { 'x-api-key': TEST_ADMIN_API_KEY } });

const server = { sourceKind: 'server', sourceId: 'server' };
const worker = { sourceKind: 'worker', sourceId: WORKER };

const serverFiles = async () => (await get<LogFileRecord[]>(admin, '/v1.0/logs/files', server)).body;

describe('admin log viewer', () => {
  it('lists the server and a worker whose folder is under the worker root, but not a linked folder', async () => {
    const { status, body } = await get<LogSourceRecord[]>(admin, '/v1.0/logs/sources');
    expect(status).toBe(200);
    expect(body[0]).toMatchObject({
      sourceKind: 'server',
      sourceId: 'server',
      available: true,
      hasFiles: true,
      active: true,
      state: 'Online',
    });
    expect(body.find((source) => source.sourceId === WORKER)).toMatchObject({
      sourceKind: 'worker',
      available: true,
      fileCount: 2,
      hasFiles: true,
      // No registered worker owns the folder.
      enabled: false,
      active: false,
      state: 'Offline',
    });
    expect(body.map((source) => source.sourceId)).not.toContain('wrk_linked');
  });

  it("lists a source's log files only, the current one first", async () => {
    const files = await serverFiles();
    expect(files.length).toBeGreaterThan(0);
    expect(files[0]).toMatchObject({ isCurrent: true, deleteMode: 'Truncate', sourceActive: true });
    for (const file of files) expect(file.fileName).toMatch(/^tempo\.\d+\.log$/);

    const { body } = await get<LogFileRecord[]>(admin, '/v1.0/logs/files', worker);
    expect(body.map((file) => [file.path, file.isCurrent, file.deleteMode])).toEqual([
      ['tempo-worker.2.log', true, 'Truncate'],
      ['tempo-worker.1.log', false, 'Delete'],
    ]);
  });

  it('reads a bounded tail, clamps the limits to the settings and filters lines', async () => {
    const path = 'tempo-worker.2.log';
    const two = await get<LogFileContent>(admin, '/v1.0/logs/files/content', {
      ...worker,
      path,
      tailLines: 2,
    });
    expect(two.status).toBe(200);
    expect(two.body).toMatchObject({
      content: 'worker line 49\nworker line 50\n',
      truncated: true,
      tailLines: 2,
      contentType: 'text/plain; charset=utf-8',
      byteLength: Buffer.byteLength(CURRENT_TEXT),
      returnedByteLength: 30,
    });
    const huge = await get<LogFileContent>(admin, '/v1.0/logs/files/content', {
      ...worker,
      path,
      tailLines: 10_000_000,
      maxBytes: 1_000_000_000,
    });
    // logViewer.maxTailLines and maxReadBytes.
    expect(huge.body).toMatchObject({
      tailLines: 5000,
      maxBytes: 1_048_576,
      truncated: false,
      content: CURRENT_TEXT,
    });
    const bytes = await get<LogFileContent>(admin, '/v1.0/logs/files/content', {
      ...worker,
      path,
      maxBytes: 20,
    });
    expect(bytes.body.content).toBe('worker line 50\n');
    const filtered = await get<LogFileContent>(admin, '/v1.0/logs/files/content', {
      ...worker,
      path,
      filter: 'LINE 4',
      tailLines: 3,
    });
    expect(filtered.body.content).toBe('worker line 47\nworker line 48\nworker line 49\n');
    // Defaults: logViewer.defaultTailLines (200) and defaultMaxBytes (131072).
    const current = (await serverFiles())[0]?.path ?? '';
    const defaults = await get<LogFileContent>(admin, '/v1.0/logs/files/content', {
      ...server,
      path: current,
    });
    expect(defaults.body).toMatchObject({ tailLines: 200, maxBytes: 131_072 });
    expect(defaults.body.content).toContain('tempo server listening');
  });

  it('downloads a whole file as text with its name', async () => {
    const answer = await rawGet(
      query('/v1.0/logs/files/download', { ...worker, path: 'tempo-worker.1.log' }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toContain('filename="tempo-worker.1.log"');
    expect(await answer.text()).toBe(ARCHIVED_TEXT);
  });

  it('refuses paths that leave the source folder, links, and names that are no log file', async () => {
    const refused = [
      '../tempo.json',
      '../../tempo.json',
      '/etc/passwd',
      'sub\\..\\..\\tempo.json',
      './tempo-worker.2.log',
      'tempo-worker.2.log\u0000.txt',
      // A second encoding: the query is decoded once, the rest is refused.
      '%2e%2e%2ftempo.json',
      // The link to the settings file, named like a log.
      'tempo-worker.9.log',
    ];
    for (const path of refused) {
      for (const route of ['/v1.0/logs/files/content', '/v1.0/logs/files/download']) {
        const answer = await get<{ error: string }>(admin, route, { ...worker, path });
        expect(answer.status, `${route} ${JSON.stringify(path)}`).toBe(400);
        expect(answer.body.error).toBe('BadRequest');
      }
    }
    // Encoded once in the URL: decoded by the server into a traversal, then refused.
    const encoded = await rawGet(
      `/v1.0/logs/files/content?sourceKind=worker&sourceId=${WORKER}&path=..%2F..%2Ftempo.json`,
    );
    expect(encoded.status).toBe(400);
    const doubled = await rawGet(
      `/v1.0/logs/files/content?sourceKind=worker&sourceId=${WORKER}&path=%252e%252e%252ftempo.json`,
    );
    expect(doubled.status).toBe(400);
    // Files in the folder that are not the log are not served.
    expect((await get(admin, '/v1.0/logs/files/content', { ...worker, path: 'notes.txt' })).status).toBe(404);
    expect(
      (await get<LogFileRecord[]>(admin, '/v1.0/logs/files', worker)).body.map((file) => file.path),
    ).not.toContain('tempo-worker.9.log');
    // A delete aimed outside is refused the same way, and the file is still there.
    expect(
      (await admin.raw('DELETE', query('/v1.0/logs/files/content', { ...worker, path: '../../tempo.json' })))
        .status,
    ).toBe(400);
    expect(existsSync(join(f.server.dataDir, 'tempo.json'))).toBe(true);
  });

  it("never serves or changes the server's own files, even when named like a log", async () => {
    const artifactFolder = join(f.server.dataDir, 'worker-logs', ARTIFACT_WORKER);
    mkdirSync(artifactFolder, { recursive: true });
    writeFileSync(join(artifactFolder, 'tempo-worker.log'), 'an artifact named like a log\n');
    const source = { sourceKind: 'worker', sourceId: ARTIFACT_WORKER };
    const listed = await get<LogFileRecord[]>(admin, '/v1.0/logs/files', source);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([]);
    const path = 'tempo-worker.log';
    for (const route of ['/v1.0/logs/files/content', '/v1.0/logs/files/download'])
      expect((await get(admin, route, { ...source, path })).status, route).toBe(404);
    expect((await admin.raw('DELETE', query('/v1.0/logs/files/content', { ...source, path }))).status).toBe(
      404,
    );
    expect(readFileSync(join(artifactFolder, path), 'utf8')).toBe('an artifact named like a log\n');
  });

  it('refuses unknown source kinds and ids, and worker ids that are no folder name', async () => {
    expect(
      (await get(admin, '/v1.0/logs/files', { sourceKind: 'database', sourceId: 'server' })).status,
    ).toBe(400);
    expect((await get(admin, '/v1.0/logs/files', { sourceKind: 'server', sourceId: 'other' })).status).toBe(
      404,
    );
    expect(
      (await get(admin, '/v1.0/logs/files', { sourceKind: 'worker', sourceId: 'wrk_unknown' })).status,
    ).toBe(404);
    for (const sourceId of ['..', '../logs', 'wrk/../..', '.hidden', 'wrk_a\\b'])
      expect(
        (await get(admin, '/v1.0/logs/files', { sourceKind: 'worker', sourceId })).status,
        sourceId,
      ).toBe(400);
    // A worker folder that is a link out of the root is no source.
    expect(
      (await get(admin, '/v1.0/logs/files', { sourceKind: 'worker', sourceId: 'wrk_linked' })).status,
    ).toBe(404);
  });

  it('is for global administrators only: tenant users are refused, anonymous callers asked to sign in', async () => {
    const path = 'tempo-worker.1.log';
    const routes: [string, string, Record<string, string>][] = [
      ['GET', '/v1.0/logs/sources', {}],
      ['GET', '/v1.0/logs/files', worker],
      ['GET', '/v1.0/logs/files/content', { ...worker, path }],
      ['GET', '/v1.0/logs/files/download', { ...worker, path }],
      ['DELETE', '/v1.0/logs/files/content', { ...worker, path }],
    ];
    for (const [method, route, values] of routes) {
      for (const client of [f.as.Administrator, f.as.ReadOnly, f.tenantBUser])
        expect((await client.raw(method, query(route, values))).status, `${method} ${route}`).toBe(403);
      expect((await f.anonymous.raw(method, query(route, values))).status, `${method} ${route}`).toBe(401);
    }
    expect(readFileSync(join(workerFolder, path), 'utf8')).toBe(ARCHIVED_TEXT);
  });

  it('deletes an archived file and truncates the current one, which the server goes on writing', async () => {
    const deleted = await admin.raw(
      'DELETE',
      query('/v1.0/logs/files/content', { ...worker, path: 'tempo-worker.1.log' }),
    );
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({
      deleteMode: 'Delete',
      removedByteLength: Buffer.byteLength(ARCHIVED_TEXT),
    });
    expect(existsSync(join(workerFolder, 'tempo-worker.1.log'))).toBe(false);

    const current = (await serverFiles())[0];
    expect(current?.isCurrent).toBe(true);
    const path = current?.path ?? '';
    const truncated = await admin.raw('DELETE', query('/v1.0/logs/files/content', { ...server, path }));
    expect(truncated.status).toBe(200);
    expect(truncated.body as LogFileDeleteResult).toMatchObject({ deleteMode: 'Truncate', path });
    const onDisk = join(f.server.logDirectory, path);
    expect(existsSync(onDisk)).toBe(true);

    // Requests after the truncation log lines; they must land at the start of the emptied file,
    // not after a hole of zero bytes where the old content was.
    let text = '';
    for (let attempt = 0; attempt < 50 && !text.includes('"route":"/v1.0/me"'); attempt++) {
      await admin.raw('GET', '/v1.0/me');
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = readFileSync(onDisk, 'utf8');
    }
    expect(text).toContain('"route":"/v1.0/me"');
    expect(text.includes('\u0000'), 'zero bytes before the new lines').toBe(false);
    expect(text.length).toBeLessThan(current?.byteLength ?? 0);
    for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    const read = await get<LogFileContent>(admin, '/v1.0/logs/files/content', { ...server, path });
    expect(read.body.content).toContain('"route":"/v1.0/me"');

    const audit = await admin.raw('GET', '/v1.0/audit?action=LogFileDeleted');
    const items = (audit.body as { items: { detail: unknown }[] }).items;
    expect(items.map((item) => item.detail)).toContainEqual({
      sourceKind: 'server',
      sourceId: 'server',
      path,
      deleteMode: 'Truncate',
    });
  });
});
