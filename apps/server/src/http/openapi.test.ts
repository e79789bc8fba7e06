import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openApiDocumentOf, registerOpenApi } from './openapi.ts';

const NODE_ENV = process.env.NODE_ENV;

/** An app with the OpenAPI plugin and one route: `path` under GET. */
const appWith = async (path: string): Promise<FastifyInstance> => {
  const app = Fastify({ logger: false });
  await registerOpenApi(app, '0.0.0');
  await app.register(async (child) => {
    child.get(path, { schema: { summary: 'A route', tags: ['Service'] } }, async () => ({}));
  });
  return app;
};

afterEach(() => {
  if (NODE_ENV === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = NODE_ENV;
});

describe('operation ids', () => {
  it('gives a route its id from the table', async () => {
    const app = await appWith('/v1.0/api/health');
    await app.ready();
    const document = (await openApiDocumentOf(app)) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    expect(document.paths['/v1.0/api/health']?.get?.operationId).toBe('checkHealth');
    await app.close();
  });

  it('refuses to start in development when a route has no id in the table', async () => {
    process.env.NODE_ENV = 'development';
    // The route's plugin fails to load, so building the app (and the server start) fails.
    await expect(appWith('/v1.0/not-in-the-table')).rejects.toThrow(
      /No operationId for GET \/v1\.0\/not-in-the-table: add one to apps\/server\/src\/http\/operation-ids\.ts/,
    );
  });

  it('starts elsewhere, leaving the route without an id for the OpenAPI tests to report', async () => {
    process.env.NODE_ENV = 'production';
    const app = await appWith('/v1.0/not-in-the-table');
    await app.ready();
    const document = (await openApiDocumentOf(app)) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    expect(document.paths['/v1.0/not-in-the-table']?.get).toBeDefined();
    expect(document.paths['/v1.0/not-in-the-table']?.get?.operationId).toBeUndefined();
    await app.close();
  });
});

describe('the document', () => {
  it('is built only once the app is ready, and then once', async () => {
    const app = await appWith('/v1.0/api/health');
    await expect(openApiDocumentOf(app)).rejects.toThrow(/once the app is ready/);
    await app.ready();
    const first = await openApiDocumentOf(app);
    expect(await openApiDocumentOf(app)).toBe(first);
    const served = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(served.json()).toEqual(first);
    await app.close();
  });
});
