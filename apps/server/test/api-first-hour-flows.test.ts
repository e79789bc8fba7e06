import type { RawResponse, TenantClient } from '@tempo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createRestStep, startApiFixture } from './api-fixture.ts';

/**
 * What a new user trips over when wiring a first flow: step ids written where execution keys
 * belong, a runtime named twice on every step edit, source code with a typo accepted until it
 * runs, and a broken JSON body that a handler reports as a string error.
 */

let f: ApiFixture;
let t: TenantClient;
const flowsPath = () => `/v1.0/tenants/${f.tenantA}/flows`;

/** Checks a raw answer's status and error code, and gives its message. */
const expectApiError = (answer: RawResponse, status: number, code: string): { message: string } => {
  expect({ status: answer.status, error: (answer.body as { error?: unknown } | null)?.error }).toEqual({
    status,
    error: code,
  });
  return answer.body as { message: string };
};

beforeAll(async () => {
  f = await startApiFixture();
  t = f.admin.tenant(f.tenantA);
});

afterAll(async () => {
  await f?.stop();
});

describe('flow keys are execution keys', () => {
  it('names the step whose id was written as a key, in the save answer and in validate', async () => {
    const step = await createRestStep(t, 'keys.echo', `${f.server.baseUrl}/`);
    const created = await f.admin.raw('POST', flowsPath(), {
      body: { name: 'Ids as keys', startStepId: step.id, transitions: { [step.id]: {} } },
    });
    expect(created.status).toBe(201);
    const flow = created.body as { id: string; warnings?: unknown };
    const misuse = {
      kind: 'StepIdUsedAsKey',
      path: 'startStepId',
      key: step.id,
      stepId: step.id,
      executionKey: 'keys.echo',
    };
    expect(flow.warnings).toEqual([expect.objectContaining(misuse)]);

    const checked = await f.admin.raw('POST', `${flowsPath()}/${flow.id}/validate`);
    expect(checked.status).toBe(200);
    expect(checked.body).toEqual({ valid: false, problems: [expect.objectContaining(misuse)] });
    const [problem] = (checked.body as { problems: { message: string }[] }).problems;
    expect(problem?.message).toContain('"keys.echo"');

    // Written with the execution key, the flow is clean, and update answers say so.
    const fixed = await f.admin.raw('PUT', `${flowsPath()}/${flow.id}`, {
      body: { startStepId: 'keys.echo', transitions: { 'keys.echo': {} } },
    });
    expect(fixed.status).toBe(200);
    expect((fixed.body as { warnings?: unknown }).warnings).toEqual([]);
    const again = await f.admin.raw('POST', `${flowsPath()}/${flow.id}/validate`);
    expect(again.body).toEqual({ valid: true, problems: [] });
    // A read carries no warnings: they belong to the save.
    const read = await f.admin.raw('GET', `${flowsPath()}/${flow.id}`);
    expect(read.body).not.toHaveProperty('warnings');
  });

  it('lists keys without a step and keys of inactive steps, and skips inline REST nodes', async () => {
    const sleepy = await createRestStep(t, 'keys.sleepy', `${f.server.baseUrl}/`);
    await t.steps.update(sleepy.id, { active: false });
    const flow = await t.flows.create({
      name: 'Gaps',
      startStepId: 'keys.nobody',
      transitions: {
        'keys.nobody': { onSuccess: 'keys.sleepy' },
        'keys.sleepy': { onSuccess: 'keys.inline' },
        'keys.inline': {
          stepType: 'Rest',
          rest: { method: 'GET', url: `${f.server.baseUrl}/`, timeoutMs: 5000 },
        },
      },
    });
    const answer = await f.admin.raw('POST', `${flowsPath()}/${flow.id}/validate`);
    expect(answer.body).toEqual({
      valid: false,
      problems: [
        expect.objectContaining({ kind: 'NoStep', path: 'startStepId', key: 'keys.nobody' }),
        expect.objectContaining({
          kind: 'InactiveStep',
          path: 'transitions.keys.sleepy',
          key: 'keys.sleepy',
          stepId: sleepy.id,
        }),
      ],
    });
  });

  it('answers 404 for a flow of another tenant', async () => {
    const flow = await t.flows.create({ name: 'Mine', startStepId: 'keys.a', transitions: { 'keys.a': {} } });
    const answer = await f.tenantBUser.raw('POST', `/v1.0/tenants/${f.tenantB}/flows/${flow.id}/validate`);
    expectApiError(answer, 404, 'NotFound');
  });
});

describe('a step edit names its runtime once', () => {
  it('fills runtimeConfig.runtimeKey from runtimeKey on PUT', async () => {
    const step = await createRestStep(t, 'once.rest', `${f.server.baseUrl}/`);
    const answer = await f.admin.raw('PUT', `/v1.0/tenants/${f.tenantA}/steps/${step.id}`, {
      body: {
        runtimeKey: 'External.Rest',
        runtimeConfig: { method: 'GET', url: `${f.server.baseUrl}/v1.0/api/health`, timeoutMs: 4000 },
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      runtimeKey: 'External.Rest',
      runtimeConfig: { runtimeKey: 'External.Rest', url: `${f.server.baseUrl}/v1.0/api/health` },
    });
  });

  it('still refuses two runtime keys that disagree', async () => {
    const step = await createRestStep(t, 'once.mismatch', `${f.server.baseUrl}/`);
    const answer = await f.admin.raw('PUT', `/v1.0/tenants/${f.tenantA}/steps/${step.id}`, {
      body: {
        runtimeKey: 'External.Rest',
        runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
      },
    });
    expectApiError(answer, 400, 'BadRequest');
  });
});

describe('source steps are parsed when saved', () => {
  const sourcePath = () => `/v1.0/tenants/${f.tenantA}/steps/source`;

  it('refuses Python with a syntax error, naming the line', async () => {
    const answer = await f.admin.raw('POST', sourcePath(), {
      body: { name: 'py typo', language: 'Python', code: 'def run(request)\n    return request\n' },
    });
    const body = expectApiError(answer, 400, 'BadRequest');
    expect(body.message).toMatch(/Python source has a syntax error at handler\.py line 1: /);
    expect(body.message).toContain("expected ':'");
    // Nothing is left behind: no step, no artifact.
    const steps = await t.steps.list({ pageSize: 1000 });
    expect(steps.items.some((step) => step.name === 'py typo')).toBe(false);
  });

  it('refuses JavaScript with a syntax error, CommonJS or module, naming the line', async () => {
    const commonJs = await f.admin.raw('POST', sourcePath(), {
      body: {
        name: 'js typo',
        language: 'JavaScript',
        code: 'function run(request) {\n  return request +;\n}\nmodule.exports = { run };\n',
      },
    });
    const body = expectApiError(commonJs, 400, 'BadRequest');
    expect(body.message).toContain('JavaScript source has a syntax error at handler.js line 2');
    expect(body.message).toContain('SyntaxError');
    const esm = await f.admin.raw('POST', sourcePath(), {
      body: {
        name: 'esm typo',
        language: 'JavaScript',
        code: '\n\nexport function run(request) { return request +; }\n',
      },
    });
    expect(expectApiError(esm, 400, 'BadRequest').message).toContain('handler.js line 3');
  });

  it('accepts valid Python and JavaScript (module syntax included)', async () => {
    const py = await f.admin.raw('POST', sourcePath(), {
      body: { name: 'py ok', language: 'Python', code: 'def run(request):\n    return request\n' },
    });
    expect(py.status).toBe(201);
    const js = await f.admin.raw('POST', sourcePath(), {
      body: {
        name: 'js ok',
        language: 'JavaScript',
        code: 'export function run(request) { return request; }\n',
      },
    });
    expect(js.status).toBe(201);
  });
});

describe('a malformed JSON body sent to a trigger', () => {
  it('is refused with a 400 saying why, and plain text still reaches the flow', async () => {
    const made = await f.admin.raw('POST', `/v1.0/tenants/${f.tenantA}/steps/source`, {
      body: {
        name: 'reads name',
        executionKey: 'json.reads-name',
        language: 'Python',
        code: 'def run(request):\n    data = request.get("data")\n    return {"hello": data["name"] if isinstance(data, dict) else data}\n',
      },
    });
    expect(made.status).toBe(201);
    const flow = await t.flows.create({
      name: 'Reads name',
      startStepId: 'json.reads-name',
      transitions: { 'json.reads-name': {} },
    });
    const trigger = await t.triggers.create({ name: 'Reads name', dataFlowId: flow.id });
    const url = `/v1.0/triggers/http/${trigger.id}`;

    const broken = await f.anonymous.raw('POST', url, {
      rawBody: '{"name": "Ada"',
      contentType: 'application/json',
    });
    const body = expectApiError(broken, 400, 'BadRequest');
    expect(body.message).toContain('not valid JSON');
    expect(broken.headers['x-run-id']).toBeUndefined();

    const good = await f.anonymous.raw('POST', url, {
      rawBody: '{"name": "Ada"}',
      contentType: 'application/json',
    });
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ hello: 'Ada' });

    const text = await f.anonymous.raw('POST', url, { rawBody: 'just text', contentType: 'text/plain' });
    expect(text.status).toBe(200);
    expect(text.body).toEqual({ hello: 'just text' });
  });
});
