import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from './api-fixture.ts';
import { expectApiError } from './expect-api-error.ts';

let f: ApiFixture;

beforeAll(async () => {
  f = await startApiFixture();
});

afterAll(async () => {
  await f?.stop();
});

const echoStep = (executionKey: string) => ({
  executionKey,
  name: `Step ${executionKey}`,
  runtimeKey: 'Builtin.Method' as const,
  runtimeConfig: { runtimeKey: 'Builtin.Method' as const, identifier: 'tempo.sample.builtin.method' },
});

describe('steps, flows and triggers', () => {
  it('creates, reads, lists, updates and deletes a step', async () => {
    const steps = f.admin.tenant(f.tenantA).steps;
    const step = await steps.create({
      ...echoStep('crud.step'),
      inputSchema: '{"type":"object"}',
      validateInput: true,
    });
    expect(step).toMatchObject({
      executionKey: 'crud.step',
      runtimeBindingState: 'Resolved',
      contractType: 'Loose',
      tenantId: f.tenantA,
    });
    expect((await steps.get(step.id)).inputSchema).toBe('{"type":"object"}');
    expect((await steps.list()).items.some((s) => s.id === step.id)).toBe(true);
    const renamed = await steps.update(step.id, { name: 'Renamed' });
    expect(renamed).toMatchObject({ name: 'Renamed', executionKey: 'crud.step', validateInput: true });
    await expectApiError(steps.create(echoStep('crud.step')), 409, 'Conflict');
    await steps.delete(step.id);
    await expectApiError(steps.get(step.id), 404, 'NotFound');
  });

  it('binds steps to what the process can run', async () => {
    const steps = f.admin.tenant(f.tenantA).steps;
    const orphan = await steps.create({
      executionKey: 'orphan',
      name: 'Orphan',
      runtimeKey: 'Builtin.Class',
      runtimeConfig: { runtimeKey: 'Builtin.Class', identifier: 'not.registered' },
    });
    expect(orphan.runtimeBindingState).toBe('Orphaned');
    const pythonStep = (artifactId: string) => ({
      executionKey: 'py.step',
      name: 'Python',
      runtimeKey: 'Artifact.Python' as const,
      runtimeConfig: {
        runtimeKey: 'Artifact.Python' as const,
        artifactId,
        module: 'handler',
        function: 'run',
      },
    });
    await expectApiError(steps.create(pythonStep('art_x')), 400, 'BadRequest');
    const artifact = await f.admin.tenant(f.tenantA).artifacts.create({ name: 'empty package' });
    const python = await steps.create(pythonStep(artifact.id));
    expect(python).toMatchObject({
      artifactId: artifact.id,
      artifactVersion: null,
      runtimeBindingState: 'Unresolved',
      runtimeBindingMessage: `Artifact ${artifact.id} has no version 'latest' in this tenant.`,
    });
    const registered = await f.admin.steps.registered();
    expect(registered.map((step) => step.identifier)).toEqual([
      'tempo.builtin.echo',
      'tempo.sample.builtin.class',
      'tempo.sample.builtin.method',
    ]);
  });

  it('refuses invalid steps with 400 naming the problem', async () => {
    const steps = f.admin.tenant(f.tenantA).steps;
    const mismatch = await f.admin.raw('POST', `/v1.0/tenants/${f.tenantA}/steps`, {
      body: { ...echoStep('bad'), runtimeKey: 'Builtin.Class' },
    });
    expect(mismatch.status).toBe(400);
    expect(JSON.stringify(mismatch.body)).toContain('runtimeConfig.runtimeKey');
    await expectApiError(
      steps.create({ ...echoStep('bad.schema'), inputSchema: '{not json' }),
      400,
      'BadRequest',
    );
    await expectApiError(steps.create({ ...echoStep(''), executionKey: '   ' }), 400, 'BadRequest');
    await expectApiError(steps.create({ ...echoStep('bad\u0001key') }), 400, 'BadRequest');
    const unknownRuntime = await f.admin.raw('POST', `/v1.0/tenants/${f.tenantA}/steps`, {
      body: { executionKey: 'x', name: 'x', runtimeKey: 'Nope', runtimeConfig: { runtimeKey: 'Nope' } },
    });
    expect(unknownRuntime.status).toBe(400);
  });

  it('validates flow graphs, ensures steps, and guards deletes by references', async () => {
    const t = f.admin.tenant(f.tenantA);
    await t.steps.create(echoStep('graph.a'));
    const badStart = await f.admin.raw('POST', `/v1.0/tenants/${f.tenantA}/flows`, {
      body: { name: 'Bad', startStepId: 'missing', transitions: { 'graph.a': {} } },
    });
    expect(badStart.status).toBe(400);
    expect(JSON.stringify(badStart.body)).toContain('startStepId');
    await expectApiError(
      t.flows.create({
        name: 'Dangling',
        startStepId: 'graph.a',
        transitions: { 'graph.a': { onSuccess: 'nowhere' } },
      }),
      400,
      'BadRequest',
    );
    const flow = await t.flows.create({
      name: 'Graph',
      startStepId: 'graph.a',
      maxRuntimeMs: 30000,
      invocationAuthMode: 'ApiAuthenticated',
      transitions: {
        'graph.a': { name: 'A', onSuccess: 'graph.b', maxTransitions: 1 },
        'graph.b': { name: 'B' },
      },
    });
    expect(flow).toMatchObject({ invocationAuthMode: 'ApiAuthenticated', maxRuntimeMs: 30000 });
    expect(flow.transitions['graph.a']).toMatchObject({
      onSuccess: 'graph.b',
      onFailure: null,
      maxTransitions: 1,
    });
    expect(await t.flows.ensureSteps(flow.id)).toEqual({ created: ['graph.b'], existing: ['graph.a'] });
    const placeholder = await t.steps.list({ pageSize: 100 });
    expect(placeholder.items.find((s) => s.executionKey === 'graph.b')).toMatchObject({
      runtimeKey: 'Builtin.Unknown',
      runtimeBindingState: 'Unresolved',
    });
    // An update must keep the graph valid.
    await expectApiError(t.flows.update(flow.id, { startStepId: 'elsewhere' }), 400, 'BadRequest');
    expect((await t.flows.update(flow.id, { description: 'kept' })).description).toBe('kept');

    const graphA = placeholder.items.find((s) => s.executionKey === 'graph.a');
    await expectApiError(t.steps.delete(graphA?.id ?? ''), 409, 'InUse');
    const trigger = await t.triggers.create({
      name: 'Hook',
      dataFlowId: flow.id,
      configuration: '{"allowedMethods":["get","POST","get"]}',
    });
    expect(trigger).toMatchObject({
      triggerType: 'Http',
      configuration: '{"allowedMethods":["get","POST","get"]}',
    });
    await expectApiError(t.flows.delete(flow.id), 409, 'InUse');
    expect(await t.flows.bulkDelete([flow.id, 'flow_unknown'])).toEqual({
      deletedCount: 0,
      skippedProtected: [],
      skippedInUse: [flow.id],
    });
    await t.triggers.delete(trigger.id);
    expect(await t.flows.bulkDelete([flow.id])).toEqual({
      deletedCount: 1,
      skippedProtected: [],
      skippedInUse: [],
    });
    expect((await t.steps.bulkDelete([graphA?.id ?? ''])).deletedCount).toBe(1);
  });

  it('refuses triggers with invalid configuration text or an unknown flow', async () => {
    const t = f.admin.tenant(f.tenantA);
    await expectApiError(t.triggers.create({ name: 'Bad', configuration: '{oops' }), 400, 'BadRequest');
    await expectApiError(t.triggers.create({ name: 'Bad', dataFlowId: 'flow_missing' }), 404, 'NotFound');
    const protectedTrigger = await t.triggers.create({ name: 'Keep', isProtected: true });
    await expectApiError(t.triggers.delete(protectedTrigger.id), 409, 'Protected');
    expect(await t.triggers.bulkDelete([protectedTrigger.id])).toMatchObject({
      deletedCount: 0,
      skippedProtected: [protectedTrigger.id],
    });
  });

  it('serves the runtime catalog and validates configurations', async () => {
    const catalog = await f.admin.runtimes.list();
    expect(catalog.map((runtime) => runtime.runtimeKey)).toContain('Artifact.Python');
    expect((await f.admin.runtimes.get('Host.Executable')).availability).toBe('DisabledBySettings');
    expect((await f.admin.runtimes.get('External.Rest')).configProperties.map((p) => p.name)).toEqual([
      'method',
      'url',
      'headers',
      'timeoutMs',
    ]);
    const valid = await f.admin
      .tenant(f.tenantA)
      .runtimes.validate({ runtimeKey: 'External.Rest', config: { url: 'http://127.0.0.1:1/x' } });
    expect(valid).toMatchObject({
      valid: true,
      errors: [],
      normalizedConfig: { method: 'GET', timeoutMs: 30000 },
    });
    const invalid = await f.admin
      .tenant(f.tenantA)
      .runtimes.validate({ runtimeKey: 'External.Rest', config: { url: 'ftp://x' } });
    expect(invalid.valid).toBe(false);
    expect(invalid.errors.join(' ')).toContain('url');
  });
});

describe('tenant isolation', () => {
  it("answers 404 for another tenant's ids and 403 for another tenant's routes", async () => {
    const stepB = await f.admin.tenant(f.tenantB).steps.create(echoStep('only.in.b'));
    const userOfA = f.as.Administrator.tenant(f.tenantA);
    await expectApiError(userOfA.steps.get(stepB.id), 404, 'NotFound');
    await expectApiError(userOfA.steps.update(stepB.id, { name: 'x' }), 404, 'NotFound');
    await expectApiError(userOfA.steps.delete(stepB.id), 404, 'NotFound');
    expect((await userOfA.steps.list({ pageSize: 1000 })).items.some((s) => s.id === stepB.id)).toBe(false);
    expect(await userOfA.steps.bulkDelete([stepB.id])).toEqual({
      deletedCount: 0,
      skippedProtected: [],
      skippedInUse: [],
    });
    await expectApiError(f.as.Administrator.tenant(f.tenantB).steps.list(), 403, 'Forbidden');
    await expectApiError(f.tenantBUser.tenant(f.tenantA).users.list(), 403, 'Forbidden');
    // A tenant that does not exist is a 404 even for an administrator, and nothing is written to it.
    await expectApiError(f.admin.tenant('ten_ghost').steps.create(echoStep('ghost')), 404, 'NotFound');
    await expectApiError(f.admin.tenant('ten_ghost').users.list(), 404, 'NotFound');
    expect((await f.admin.tenant(f.tenantB).steps.get(stepB.id)).name).toBe('Step only.in.b');
  });
});
