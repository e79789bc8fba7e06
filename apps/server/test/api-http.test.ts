import { request as httpRequest } from 'node:http';
import { TempoClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

let server: ServerProcess;
let admin: TempoClient;

beforeAll(async () => {
  server = await startServerProcess({ rest: { corsOrigins: ['http://dashboard.test'] } });
  admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
});

afterAll(async () => {
  await server?.stop();
});

describe('HTTP behaviour', () => {
  it('refuses an oversize body with 413 PayloadTooLarge', async () => {
    // Announce a 17 MiB body and send only its start: the server must answer from the length
    // alone (a client writing the whole body would race the server closing the socket).
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${server.baseUrl}/v1.0/tenants`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': 17 * 1024 * 1024,
          'x-api-key': TEST_ADMIN_API_KEY,
        },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
      request.write('{"name":"');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: 'PayloadTooLarge' });
  });

  it('answers CORS preflights for configured origins only', async () => {
    const allowed = await fetch(`${server.baseUrl}/v1.0/tenants`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://dashboard.test',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-api-key',
      },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://dashboard.test');
    const other = await fetch(`${server.baseUrl}/v1.0/tenants`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'GET' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows every method of the API in a CORS preflight, so the dashboard can edit and delete', async () => {
    for (const method of ['PUT', 'DELETE']) {
      const preflight = await fetch(`${server.baseUrl}/v1.0/tenants/ten_1`, {
        method: 'OPTIONS',
        headers: { origin: 'http://dashboard.test', 'access-control-request-method': method },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')?.split(/,\s*/)).toContain(method);
    }
  });

  it('sends the standard security headers', async () => {
    const answer = await fetch(`${server.baseUrl}/v1.0/api/health`);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('serves the OpenAPI document and the explorer page', async () => {
    const document = await admin.raw('GET', '/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body).toMatchObject({ openapi: '3.1.0', info: { title: 'Tempo API' } });
    const explorer = await fetch(`${server.baseUrl}/explorer/`);
    expect(explorer.status).toBe(200);
    expect(await explorer.text()).toContain('<html');
  });
});
