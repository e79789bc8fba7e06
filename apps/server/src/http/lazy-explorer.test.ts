import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerLazyExplorer } from './lazy-explorer.ts';

const DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'Explorer test', version: '1.0.0' },
  paths: { '/ping': { get: { operationId: 'ping', responses: { 200: { description: 'Pong.' } } } } },
};

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

/** An app with the lazy explorer at /explorer and its own not-found body, counting document reads. */
const appWithExplorer = () => {
  const reads = { count: 0 };
  const built = Fastify({ logger: false });
  built.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'NotFound', message: 'none' }));
  registerLazyExplorer(built, '/explorer', async () => {
    reads.count += 1;
    return DOCUMENT;
  });
  app = built;
  return { app: built, reads };
};

describe('the lazy explorer', () => {
  it('reads the document on the first explorer request only, and serves the page, assets and document', async () => {
    const { app, reads } = appWithExplorer();
    await app.ready();
    expect(reads.count).toBe(0);
    const page = await app.inject({ method: 'GET', url: '/explorer/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger-ui');
    const script = await app.inject({ method: 'GET', url: '/explorer/static/swagger-ui-bundle.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.rawPayload.length).toBeGreaterThan(100_000);
    const json = await app.inject({ method: 'GET', url: '/explorer/json' });
    expect(json.json()).toEqual(DOCUMENT);
    const yaml = await app.inject({ method: 'GET', url: '/explorer/yaml' });
    expect(yaml.body).toContain('operationId: ping');
    expect(reads.count).toBe(1);
  });

  it("answers a missing asset with the app's not-found body and a redirect without a body", async () => {
    const { app } = appWithExplorer();
    const missing = await app.inject({ method: 'GET', url: '/explorer/static/missing.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'NotFound', message: 'none' });
    const redirect = await app.inject({ method: 'GET', url: '/explorer/static/index.html' });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe('/explorer/');
    expect(redirect.headers['content-type']).toBeUndefined();
    expect(redirect.rawPayload.length).toBe(0);
  });

  it('answers HEAD with the headers of the GET answer', async () => {
    const { app } = appWithExplorer();
    const get = await app.inject({ method: 'GET', url: '/explorer/static/swagger-initializer.js' });
    const head = await app.inject({ method: 'HEAD', url: '/explorer/static/swagger-initializer.js' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.body).toBe('');
  });
});
