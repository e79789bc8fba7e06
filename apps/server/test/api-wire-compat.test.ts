import type { TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture, waitForRunEnd } from './api-fixture.ts';

/**
 * What a client written for Tempo v0.3.0 reads on routes that exist: an error body whose
 * `details` is a string (or absent), and records that leave null properties out instead of
 * writing `null`. JSON that users supply keeps its nulls.
 */

let f: ApiFixture;
let t: TenantClient;

beforeAll(async () => {
  f = await startApiFixture();
  t = f.admin.tenant(f.tenantA);
});

afterAll(async () => {
  await f?.stop();
});

const tenantPath = (suffix: string) => `/v1.0/tenants/${f.tenantA}${suffix}`;

/** The raw JSON of a 200 GET, as a client without our schemas sees it. */
const rawGet = async (path: string): Promise<Record<string, unknown>> => {
  const answer = await f.admin.raw('GET', path);
  expect(answer.status, path).toBe(200);
  return answer.body as Record<string, unknown>;
};

/**
 * Where a record holds a null of its own, as a strict v0.3.0 client would trip on it. The
 * graph of a flow (`transitions`) is user-supplied JSON and keeps what the user wrote.
 */
const nullPaths = (value: unknown, path = '$'): string[] => {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => nullPaths(item, `${path}[${index}]`));
  if (typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === 'transitions' ? [] : nullPaths(item, `${path}.${key}`),
  );
};

describe('the error body', () => {
  it('has a string details made from a structured context', async () => {
    const answer = await f.admin.raw('GET', tenantPath('/steps/stp_nosuchstep'));
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      error: 'NotFound',
      message: expect.any(String),
      details: 'resource: Step; id: stp_nosuchstep',
      context: { resource: 'Step', id: 'stp_nosuchstep' },
    });
  });

  it('names each invalid field in details and lists the issues in context', async () => {
    const answer = await f.admin.raw('POST', tenantPath('/triggers'), { body: { name: 7 } });
    expect(answer.status).toBe(400);
    const body = answer.body as { details?: unknown; context?: { issues?: unknown } };
    expect(typeof body.details).toBe('string');
    expect(body.details).toMatch(/^body\.name: /);
    expect(body.context?.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'name', message: expect.any(String) })]),
    );
  });

  it('leaves details and context out when there is nothing to add', async () => {
    const answer = await f.admin.raw('GET', '/v1.0/no-such-route');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: 'NotFound', message: 'No route GET /v1.0/no-such-route.' });
  });

  it('reaches @tempo/client callers as a details line and a context object', async () => {
    const refused = await t.steps.get('stp_nosuchstep').then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({
      code: 'NotFound',
      details: 'resource: Step; id: stp_nosuchstep',
      context: { resource: 'Step', id: 'stp_nosuchstep' },
    });
  });
});

describe('null properties', () => {
  it('are left out of a user, a step, a flow, a trigger and a run, while user JSON keeps its nulls', async () => {
    const user = await t.users.create({
      email: 'wire-compat@example.test',
      passwordSha256: 'wire-compat-pw',
    });
    const step = await t.steps.create({
      executionKey: 'wire.echo',
      name: 'echo',
      runtimeKey: 'Builtin.Method',
      runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.builtin.echo' },
    });
    const flow = await t.flows.create({
      name: 'wire echo',
      startStepId: 'wire.echo',
      transitions: { 'wire.echo': {} },
    });
    const trigger = await t.triggers.create({ name: 'wire echo', dataFlowId: flow.id });
    const started = await t.flows.run(flow.id, { data: { a: null } });
    const run = await waitForRunEnd(t, started.id);
    expect(run.state).toBe('Succeeded');

    const answers = {
      user: await rawGet(tenantPath(`/users/${user.id}`)),
      step: await rawGet(tenantPath(`/steps/${step.id}`)),
      flow: await rawGet(tenantPath(`/flows/${flow.id}`)),
      trigger: await rawGet(tenantPath(`/triggers/${trigger.id}`)),
      run: await rawGet(tenantPath(`/runs/${run.id}`)),
    };
    for (const [name, body] of Object.entries(answers)) expect(nullPaths(body), name).toEqual([]);
    // A list answers its records the same way.
    expect(nullPaths(await rawGet(tenantPath('/steps')))).toEqual([]);
    // Fields that were null are absent, not renamed or emptied.
    expect(answers.step).not.toHaveProperty('description');
    expect(answers.run).not.toHaveProperty('errorMessage');
    expect(answers.flow.transitions).toEqual({ 'wire.echo': expect.objectContaining({ onSuccess: null }) });

    // The run's data is the user's JSON: its null stays.
    expect(JSON.parse(String(answers.run.inputData))).toEqual({ a: null });
    expect(JSON.parse(String(answers.run.outputData))).toEqual({ a: null });
    const fired = await f.anonymous.raw('POST', `/v1.0/triggers/http/${trigger.id}`, { body: { a: null } });
    expect(fired.status).toBe(200);
    expect(fired.body).toEqual({ a: null });

    // @tempo/client still hands its callers null where its types say `T | null`.
    const read = await t.runs.get(run.id);
    expect(read.errorMessage).toBeNull();
    expect((await t.steps.get(step.id)).description).toBeNull();
    expect((await t.triggers.list()).items.find((item) => item.id === trigger.id)?.description).toBeNull();
  });
});
