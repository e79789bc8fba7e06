import { TempoClient, type TenantClient } from '@tempo/client';
import type { RunLogContentResponse, RunLogFileEntry } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerFor } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

let server: ServerProcess;
let admin: TempoClient;
let tenantA: TenantClient;
let tenantB: TenantClient;

beforeAll(async () => {
  // The default persistentMode (Auto): source steps run warm.
  server = await startServerProcess();
  admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
  const tenants = await admin.tenants.list();
  tenantA = admin.tenant(tenants.items[0]?.id ?? '');
  tenantB = admin.tenant((await admin.tenants.create({ name: 'Warm tenant B' })).id);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** Each language's handler: a module-level counter and a random token name the process it runs in. */
const SOURCES = {
  py: `import random
token = random.random()
count = 0
def run(request):
    global count
    count += 1
    print(f"warm python call {count}")
    return {"token": token, "count": count}
`,
  js: `const token = Math.random();
let count = 0;
exports.run = () => {
  count += 1;
  console.log('warm javascript call ' + count);
  return { token, count };
};
`,
} as const;

const logsPath = (tenant: TenantClient, runId: string) =>
  `/v1.0/tenants/${tenant.tenantId}/runs/${runId}/logs`;

/** The step log of a run through the run-log routes, once the run's log is complete. */
const stepLogOf = async (tenant: TenantClient, runId: string): Promise<string> => {
  for (let i = 0; i < 100; i++) {
    const listed = await admin.raw('GET', logsPath(tenant, runId));
    expect(listed.status).toBe(200);
    const files = listed.body as RunLogFileEntry[];
    const step = files.find((file) => file.kind === 'Step');
    const run = files.find((file) => file.kind === 'Run');
    if (step && run) {
      const read = async (path: string) => {
        const answer = await admin.raw('GET', `${logsPath(tenant, runId)}/content`, { query: { path } });
        expect(answer.status).toBe(200);
        return (answer.body as RunLogContentResponse).content;
      };
      if ((await read(run.path)).includes('run ended')) return read(step.path);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} has no complete log`);
};

describe.each(['py', 'js'] as const)('warm %s source steps through a trigger', (language) => {
  const key = `warm.${language}`;
  const triggers = new Map<TenantClient, string>();

  beforeAll(async () => {
    for (const tenant of [tenantA, tenantB]) {
      await tenant.steps.fromSource({ name: key, language, code: SOURCES[language] });
      triggers.set(tenant, await triggerFor(tenant, key));
    }
  }, 60_000);

  const fire = async (tenant: TenantClient) => {
    const answer = await admin.httpTriggers.fire(triggers.get(tenant) ?? '', { body: {} });
    expect(answer.status).toBe(200);
    return { runId: answer.run.runId, output: answer.output as { token: number; count: number } };
  };

  it('reuses one process within a tenant and never across tenants', async () => {
    const first = await fire(tenantA);
    const second = await fire(tenantA);
    const other = await fire(tenantB);
    expect(first.output.count).toBe(1);
    expect(second.output).toEqual({ token: first.output.token, count: 2 });
    expect(other.output.count).toBe(1);
    expect(other.output.token).not.toBe(first.output.token);
  });

  it('shows each invocation’s log lines in its own step log', async () => {
    const third = await fire(tenantA);
    expect(third.output.count).toBe(3);
    const text = await stepLogOf(tenantA, third.runId);
    const name = language === 'py' ? 'python' : 'javascript';
    expect(text).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\[INFO\\] warm ${name} call 3$`, 'm'));
    expect(text).not.toContain(`warm ${name} call 2`);
  });
});
