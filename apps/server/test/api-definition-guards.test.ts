import type { TempoClient, TenantClient } from '@tempo/client';
import type { OperationType, ResourceType } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createSampleSteps, startApiFixture, waitForRunEnd } from './api-fixture.ts';
import { expectApiError } from './expect-api-error.ts';

let f: ApiFixture;
let t: TenantClient;

beforeAll(async () => {
  f = await startApiFixture();
  t = f.admin.tenant(f.tenantA);
  await createSampleSteps(t, f.server.baseUrl, { method: 'guard.method', rest: 'guard.rest' });
}, 120_000);

afterAll(async () => {
  await f?.stop();
});

const waitForEnd = (runId: string) => waitForRunEnd(t, runId);

/** A tenant-A step running the sample built-in method. */
const methodStep = (executionKey: string, name: string) =>
  t.steps.create({
    executionKey,
    name,
    runtimeKey: 'Builtin.Method',
    runtimeConfig: { runtimeKey: 'Builtin.Method', identifier: 'tempo.sample.builtin.method' },
  });

/** A tenant-A user whose one role permits exactly the given operations on the given resources. */
const userWith = async (
  name: string,
  grants: readonly { resourceTypes: ResourceType[]; operationTypes: OperationType[] }[],
): Promise<TenantClient> => {
  const role = await t.roles.create({ name });
  for (const [index, grant] of grants.entries()) {
    const permission = await t.permissions.create({
      name: `${name} ${index}`,
      resourceTypes: grant.resourceTypes,
      operationTypes: grant.operationTypes,
      permissionType: 'Permit',
    });
    await t.rolePermissionMaps.create({ roleId: role.id, permissionId: permission.id });
  }
  const user = await t.users.create({
    email: `${name.replace(/\W+/g, '-')}@example.test`,
    passwordSha256: `pw-${name}`,
  });
  await t.userRoleMaps.create({ userId: user.id, roleId: role.id });
  const credential = await t.credentials.create({ userId: user.id, name });
  const client: TempoClient = f.admin.withCredentials({ accessKey: credential.accessKey });
  return client.tenant(f.tenantA);
};

describe('inline REST nodes need step rights', () => {
  let flowsOnly: TenantClient;
  let restCall: { method: string; url: string; headers: Record<string, string>; timeoutMs: number };

  beforeAll(async () => {
    flowsOnly = await userWith('flows only', [
      { resourceTypes: ['DataFlow'], operationTypes: ['Create', 'Read', 'Update', 'Execute'] },
    ]);
    restCall = {
      method: 'GET',
      url: `${f.server.baseUrl}/v1.0/samples/external-rest`,
      headers: { 'x-smuggled': 'yes' },
      timeoutMs: 5000,
    };
  });

  it('refuses a flow with an inline REST call to a caller who may not create steps', async () => {
    // The caller cannot save the call as a step...
    await expectApiError(
      flowsOnly.steps.create({
        executionKey: 'smuggled.step',
        name: 'smuggled',
        runtimeKey: 'External.Rest',
        runtimeConfig: { runtimeKey: 'External.Rest', ...restCall },
      }),
      403,
      'Forbidden',
    );
    // ...so it may not write the same call into a flow and run it there either.
    const attempt = flowsOnly.flows.create({
      name: 'smuggled inline call',
      startStepId: 'inline.call',
      transitions: { 'inline.call': { stepType: 'Rest', rest: restCall } },
    });
    const error = await attempt.then(
      async (flow) => {
        // Before the fix the flow was saved: show what that allowed, then fail.
        const run = await waitForEnd((await flowsOnly.flows.run(flow.id)).id);
        return new Error(`inline REST flow was created and ran as ${run.state}`);
      },
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    // A `rest` call without `stepType` is refused too: the inline REST migration would make it a step.
    await expectApiError(
      flowsOnly.flows.create({
        name: 'smuggled for the migration',
        startStepId: 'later.step',
        transitions: { 'later.step': { rest: restCall } },
      }),
      403,
      'Forbidden',
    );
    const names = (await t.flows.list({ pageSize: 1000 })).items.map((flow) => flow.name);
    expect(names).not.toContain('smuggled inline call');
    expect(names).not.toContain('smuggled for the migration');
  });

  it('still lets that caller save flows of existing steps, and send back an inline node unchanged', async () => {
    const plain = await flowsOnly.flows.create({
      name: 'plain flow',
      startStepId: 'guard.method',
      transitions: { 'guard.method': {} },
    });
    expect((await waitForEnd((await flowsOnly.flows.run(plain.id)).id)).state).toBe('Succeeded');

    // An administrator writes the inline call; the flows-only caller may rename the flow
    // sending the graph back as read, but may not add or change a call.
    const legacy = await t.flows.create({
      name: 'legacy inline flow',
      startStepId: 'inline.call',
      transitions: { 'inline.call': { stepType: 'Rest', rest: restCall } },
    });
    const read = await flowsOnly.flows.get(legacy.id);
    const renamed = await flowsOnly.flows.update(legacy.id, {
      name: 'legacy inline flow, renamed',
      startStepId: read.startStepId,
      transitions: read.transitions,
    });
    expect(renamed.name).toBe('legacy inline flow, renamed');
    await expectApiError(
      flowsOnly.flows.update(legacy.id, {
        transitions: {
          'inline.call': { stepType: 'Rest', rest: { ...restCall, url: 'http://127.0.0.1:9/elsewhere' } },
        },
      }),
      403,
      'Forbidden',
    );
    await expectApiError(
      flowsOnly.flows.update(plain.id, {
        startStepId: 'guard.method',
        transitions: {
          'guard.method': { onSuccess: 'added.call' },
          'added.call': { stepType: 'Rest', rest: restCall },
        },
      }),
      403,
      'Forbidden',
    );
    expect((await t.flows.get(legacy.id)).transitions['inline.call']?.rest?.url).toBe(restCall.url);
    expect(Object.keys((await t.flows.get(plain.id)).transitions)).toEqual(['guard.method']);
  });

  it('lets a caller who may create steps add an inline node, and one who may update them change it', async () => {
    const creator = await userWith('flows and step create', [
      { resourceTypes: ['DataFlow'], operationTypes: ['All'] },
      { resourceTypes: ['Step'], operationTypes: ['Create'] },
    ]);
    const flow = await creator.flows.create({
      name: 'inline by a step creator',
      startStepId: 'inline.call',
      transitions: { 'inline.call': { stepType: 'Rest', rest: restCall } },
    });
    const changed = { stepType: 'Rest' as const, rest: { ...restCall, timeoutMs: 4000 } };
    await expectApiError(
      creator.flows.update(flow.id, { transitions: { 'inline.call': changed } }),
      403,
      'Forbidden',
    );
    const editor = f.as.Editor.tenant(f.tenantA);
    const updated = await editor.flows.update(flow.id, { transitions: { 'inline.call': changed } });
    expect(updated.transitions['inline.call']?.rest?.timeoutMs).toBe(4000);
  });

  it('refuses new Legacy.InlineRest steps: the runtime is read-only', async () => {
    await expectApiError(
      t.steps.create({
        executionKey: 'legacy.new',
        name: 'legacy',
        runtimeKey: 'Legacy.InlineRest',
        runtimeConfig: { runtimeKey: 'Legacy.InlineRest', ...restCall },
      }),
      400,
      'BadRequest',
    );
    const step = await t.steps.create({
      executionKey: 'legacy.target',
      name: 'becomes legacy?',
      runtimeKey: 'External.Rest',
      runtimeConfig: { runtimeKey: 'External.Rest', ...restCall },
    });
    await expectApiError(
      t.steps.update(step.id, {
        runtimeKey: 'Legacy.InlineRest',
        runtimeConfig: { runtimeKey: 'Legacy.InlineRest', ...restCall },
      }),
      400,
      'BadRequest',
    );
    const keys = (await t.steps.list({ pageSize: 1000 })).items.map((s) => [s.executionKey, s.runtimeKey]);
    expect(keys).not.toContainEqual(['legacy.new', 'Legacy.InlineRest']);
    expect((await t.steps.get(step.id)).runtimeKey).toBe('External.Rest');
  });
});

describe('renaming a step a flow uses', () => {
  it('answers 409 like the delete, so the flow keeps running', async () => {
    const step = await methodStep('rename.me', 'used by a flow');
    const flow = await t.flows.create({
      name: 'uses rename.me',
      startStepId: 'rename.me',
      transitions: { 'rename.me': {} },
    });
    const refused = await expectApiError(t.steps.update(step.id, { executionKey: 'renamed' }), 409, 'InUse');
    expect(refused.context).toMatchObject({ resource: 'Step', id: step.id });
    expect(JSON.stringify(refused.context)).toContain(flow.id);
    // The attack went on with a delete of the (renamed) step: it must still be refused.
    await expectApiError(t.steps.delete(step.id), 409, 'InUse');
    expect((await t.steps.get(step.id)).executionKey).toBe('rename.me');
    const run = await waitForEnd((await t.flows.run(flow.id)).id);
    expect(run.state, run.errorMessage ?? '').toBe('Succeeded');

    // Sending the same key back, or renaming a key no flow uses, is fine.
    expect((await t.steps.update(step.id, { executionKey: 'rename.me', name: 'same key' })).name).toBe(
      'same key',
    );
    const free = await methodStep('rename.free', 'unused');
    expect((await t.steps.update(free.id, { executionKey: 'rename.done' })).executionKey).toBe('rename.done');
  });
});
