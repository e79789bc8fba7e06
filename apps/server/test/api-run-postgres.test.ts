import { createServer, type Server } from 'node:http';
import { TempoClient, type TenantClient } from '@tempo/client';
import { openDatabase } from '@tempo/core/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  postgresSection,
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_API_KEY,
} from './server-process.ts';

// A run on PostgreSQL whose REST target answers 500 with a NUL byte in its body. PostgreSQL
// refuses NUL in text, so the step run, and then the engine's fallback error, could not be
// stored, and the run stayed Running for ever while its trigger caller got 202.

let target: Server;
let targetUrl: string;
let server: ServerProcess;
let t: TenantClient;
let anonymous: TempoClient;

beforeAll(async () => {
  // The shared test database starts empty for this server: the store suite has finished with it.
  const database = await openDatabase(postgresSection());
  try {
    await database.dialect.executeDdl('DROP SCHEMA IF EXISTS public CASCADE');
    await database.dialect.executeDdl('CREATE SCHEMA public');
  } finally {
    await database.close();
  }
  target = createServer((_request, response) => {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end('upstream broke\u0000here');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const address = target.address();
  targetUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  server = await startServerProcess({ database: postgresSection() });
  anonymous = new TempoClient({ baseUrl: server.baseUrl });
  const admin = anonymous.withCredentials({ apiKey: TEST_ADMIN_API_KEY });
  t = admin.tenant((await admin.tenants.list()).items[0]?.id ?? '');
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
});

describe('a run on PostgreSQL', () => {
  it('ends, and answers its trigger, when a step error holds a NUL byte', async () => {
    await t.steps.create({
      executionKey: 'nul.call',
      name: 'NUL call',
      runtimeKey: 'External.Rest',
      runtimeConfig: { runtimeKey: 'External.Rest', method: 'GET', url: `${targetUrl}/`, timeoutMs: 10_000 },
    });
    const flow = await t.flows.create({
      name: 'NUL flow',
      startStepId: 'nul.call',
      transitions: { 'nul.call': {} },
      invocationAuthMode: 'Public',
    });
    const trigger = await t.triggers.create({ name: 'NUL trigger', dataFlowId: flow.id });
    const answer = await anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`, { body: { n: 1 } });
    // A 500 from the target is the step's exception (spec outcome mapping): the run ends, and
    // its trigger caller gets the final answer, not the 202 of a run that never ended.
    expect(answer.status).not.toBe(202);
    expect(answer.headers['x-run-state']).toBe('Exception');
    const runId = answer.headers['x-run-id'] ?? '';
    expect((await t.runs.get(runId)).state).toBe('Exception');
    const [stepRun] = await t.runs.steps(runId);
    expect(stepRun?.result).toBe('Exception');
    // Stored with NUL as U+FFFD, the one rule every dialect follows.
    expect(stepRun?.errorMessage).toContain('upstream broke\uFFFDhere');
    expect(answer.headers['x-run-error'] ?? '').not.toMatch(/insert into|invalid byte sequence/i);
  });

  it('answers 400, not 500, for names wider than their columns (PostgreSQL refuses them)', async () => {
    const admin = anonymous.withCredentials({ apiKey: TEST_ADMIN_API_KEY });
    const base = `/v1.0/tenants/${t.tenantId}`;
    const tooLong = [
      ['POST', `${base}/artifacts`, { name: 'n'.repeat(400) }],
      [
        'POST',
        `${base}/steps/source`,
        {
          executionKey: 'wide.entrypoint',
          name: 'wide entrypoint',
          language: 'Python',
          entrypoint: 'e'.repeat(300),
          code: 'def run(input, context=None):\n    return input\n',
        },
      ],
      [
        'POST',
        `${base}/steps/source`,
        {
          executionKey: 'wide.artifact',
          name: 'wide artifact',
          language: 'Python',
          artifactName: 'a'.repeat(400),
          code: 'def run(input, context=None):\n    return input\n',
        },
      ],
    ] as const;
    for (const [method, path, body] of tooLong) {
      const answer = await admin.raw(method, path, { body });
      expect(answer.status, path).toBe(400);
    }
  });
});
