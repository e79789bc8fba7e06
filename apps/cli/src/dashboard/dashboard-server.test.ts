import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardServer, startDashboardServer } from './dashboard-server.ts';

let dir: string;
let root: string;
let server: DashboardServer;

/** A request with the path sent exactly as given (fetch would normalise `..` away). */
const get = (path: string, method = 'GET') =>
  new Promise<{ status: number; type: string; body: string }>((resolvePromise, reject) => {
    const sent = request({ host: '127.0.0.1', port: server.port, path, method }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolvePromise({
          status: response.statusCode ?? 0,
          type: String(response.headers['content-type']),
          body,
        }),
      );
    });
    sent.on('error', reject);
    sent.end();
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tempo-dashboard-server-'));
  root = join(dir, 'dist');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(root, 'assets', 'main-abc.js'), 'console.log(1);');
  await writeFile(join(root, 'assets', 'main-abc.css'), 'body{}');
  await writeFile(join(dir, 'secret.txt'), 'secret');
  await symlink(join(dir, 'secret.txt'), join(root, 'assets', 'linked.js'));
  server = await startDashboardServer({ root, serverUrl: 'http://127.0.0.1:8901', port: 0 });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('dashboard server', () => {
  it('serves built files with their content types', async () => {
    expect(await get('/assets/main-abc.js')).toMatchObject({
      status: 200,
      type: 'text/javascript; charset=utf-8',
    });
    expect(await get('/assets/main-abc.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
  });

  it('answers every route of the app with index.html', async () => {
    for (const path of ['/', '/dashboard/home', '/dashboard/logs?sourceKind=worker']) {
      const answer = await get(path);
      expect(answer.status).toBe(200);
      expect(answer.type).toBe('text/html; charset=utf-8');
      expect(answer.body).toContain('<title>app</title>');
    }
  });

  it('names its Tempo server at /config.json', async () => {
    const answer = await get('/config.json');
    expect(JSON.parse(answer.body)).toEqual({ serverUrl: 'http://127.0.0.1:8901' });
  });

  it('answers 404 for a missing asset instead of the app', async () => {
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('never serves a file outside its folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/assets/linked.js',
    ]) {
      const answer = await get(path);
      expect(answer.body).not.toContain('secret');
      expect([404, 200]).toContain(answer.status);
      if (answer.status === 200) expect(answer.type).toBe('text/html; charset=utf-8');
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('/', 'POST')).status).toBe(405);
    expect(await get('/assets/main-abc.js', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });
});
