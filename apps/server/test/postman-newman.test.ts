import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fetchOpenApiDocument, operationsOf } from './openapi-shape.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/**
 * postman/tempo.postman_collection.json, run with newman (the Postman CLI runner) against a real
 * server started fresh, the way a user runs it: every request's checks must pass.
 */

const COLLECTION = join(
  resolve(import.meta.dirname, '..', '..', '..'),
  'postman',
  'tempo.postman_collection.json',
);

/** The parts of newman's run summary these checks read. */
const RunSummary = z.object({
  run: z.object({
    stats: z.object({
      requests: z.object({ total: z.number(), failed: z.number() }),
      assertions: z.object({ total: z.number(), failed: z.number() }),
      testScripts: z.object({ failed: z.number() }),
      prerequestScripts: z.object({ failed: z.number() }),
    }),
    executions: z.array(z.object({ item: z.object({ name: z.string() }) })),
    failures: z.array(
      z.looseObject({
        error: z.looseObject({ message: z.string().optional(), test: z.string().optional() }),
        source: z.looseObject({ name: z.string().optional() }).optional(),
      }),
    ),
  }),
});
type RunSummary = z.infer<typeof RunSummary>;

interface NewmanOptions {
  readonly collection: unknown;
  readonly envVar: readonly { readonly key: string; readonly value: string }[];
  readonly folder?: string;
  readonly reporters: readonly string[];
  readonly timeoutRequest: number;
}

const newman = createRequire(import.meta.url)('newman') as {
  run(options: NewmanOptions, callback: (error: Error | null, summary: unknown) => void): void;
};

/** Runs the collection (or one folder of it) with the given variables; resolves with the summary. */
const runCollection = (variables: Record<string, string>, folder?: string): Promise<RunSummary> =>
  new Promise((resolveRun, reject) => {
    newman.run(
      {
        collection: JSON.parse(readFileSync(COLLECTION, 'utf8')),
        envVar: Object.entries(variables).map(([key, value]) => ({ key, value })),
        ...(folder ? { folder } : {}),
        reporters: [],
        timeoutRequest: 60_000,
      },
      (error, summary) => (error ? reject(error) : resolveRun(RunSummary.parse(summary))),
    );
  });

/** Each failure as `request: test: message`, so a failing run says which check broke. */
const failuresOf = (summary: RunSummary): string[] =>
  summary.run.failures.map(
    (failure) =>
      `${failure.source?.name ?? '?'}: ${failure.error.test ?? ''}: ${failure.error.message ?? ''}`,
  );

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess();
});

afterAll(async () => {
  await server?.stop();
});

describe('the Postman collection, run with newman', () => {
  it('runs every request on a fresh server with only the seeded defaults, zero failed assertions, one request per operation', async () => {
    const summary = await runCollection({ baseUrl: server.baseUrl });
    expect(failuresOf(summary)).toEqual([]);
    const { stats } = summary.run;
    expect(stats.requests.failed).toBe(0);
    expect(stats.testScripts.failed).toBe(0);
    expect(stats.prerequestScripts.failed).toBe(0);
    const { document } = await fetchOpenApiDocument(server.baseUrl);
    const operations = operationsOf(document);
    expect(stats.requests.total).toBe(operations.length);
    const ran = summary.run.executions.map((execution) => execution.item.name).sort();
    expect(ran).toEqual(operations.map(({ operation }) => operation.operationId ?? '').sort());
    // Two checks every request makes at least on an error, one on a success: none was skipped.
    expect(stats.assertions.total).toBeGreaterThan(operations.length);
  }, 600_000);

  it('sends the admin API key instead of the sign-in token when adminApiKey is set', async () => {
    // A wrong password makes the sign-in fail, so every later request succeeds on the key alone.
    const summary = await runCollection(
      { baseUrl: server.baseUrl, adminApiKey: TEST_ADMIN_API_KEY, adminPassword: 'not-the-password' },
      'Getting started',
    );
    expect(failuresOf(summary)).toEqual(['issueToken: succeeds (2xx): expected 401 to be within 200..299']);
    expect(summary.run.executions.map((execution) => execution.item.name)).toEqual([
      'issueToken',
      'listTenants',
      'createStep',
      'createFlow',
      'createTrigger',
      'fireHttpTrigger',
      'readRun',
      'listRunSteps',
    ]);
  }, 180_000);

  it('left the seeded tenant and administrator in place', async () => {
    const answer = await fetch(`${server.baseUrl}/v1.0/tenants`, {
      headers: { 'x-api-key': TEST_ADMIN_API_KEY },
    });
    const tenants = z.object({ items: z.array(z.object({ name: z.string() })) }).parse(await answer.json());
    expect(tenants.items.map((tenant) => tenant.name)).toContain('Default Tenant');
    const signIn = await fetch(`${server.baseUrl}/v1.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@tempo.local', password: 'password' }),
    });
    expect(signIn.status).toBe(200);
  });
});
