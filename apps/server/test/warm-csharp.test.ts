import { TempoClient, type TenantClient } from '@tempo/client';
import type { RunLogContentResponse, RunLogFileEntry } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerFor } from './runtime-fixture.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** A C# source step is a `dotnet publish`: minutes on a loaded machine. */
const BUILD_TIMEOUT_MS = 300_000;

/** A static counter and a process-wide token name the process an invocation ran in. */
const HANDLER = `using System.Text.Json.Nodes;

namespace Tempo.UserSteps;

public sealed class Handler : TempoStepHandlerBase
{
    private static readonly string Token = Guid.NewGuid().ToString("N");
    private static int count;

    public override Task<StepResult> RunAsync(StepRequest request, CancellationToken cancellationToken)
    {
        count += 1;
        Console.WriteLine($"warm csharp call {count}");
        return Task.FromResult(Success(request, new JsonObject { ["token"] = Token, ["count"] = count }));
    }
}
`;

let server: ServerProcess;
let tenant: TenantClient;
let admin: TempoClient;
let trigger = '';

beforeAll(async () => {
  server = await startServerProcess();
  admin = new TempoClient({
    baseUrl: server.baseUrl,
    credentials: { apiKey: TEST_ADMIN_API_KEY },
    timeoutMs: BUILD_TIMEOUT_MS,
  });
  const tenants = await admin.tenants.list();
  tenant = admin.tenant(tenants.items[0]?.id ?? '');
  await tenant.steps.fromSource({ name: 'warm.cs', language: 'CSharp', code: HANDLER });
  trigger = await triggerFor(tenant, 'warm.cs');
}, BUILD_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await server?.stop();
});

const fire = async () => {
  const answer = await admin.httpTriggers.fire(trigger, { body: {} });
  expect(answer.status).toBe(200);
  return { runId: answer.run.runId, output: answer.output as { token: string; count: number } };
};

describe('a warm C# source step', () => {
  it('serves invocations from one process and relays its console lines to the step log', async () => {
    const first = await fire();
    const second = await fire();
    expect(first.output.count).toBe(1);
    expect(second.output).toEqual({ token: first.output.token, count: 2 });
    const logs = `/v1.0/tenants/${tenant.tenantId}/runs/${second.runId}/logs`;
    let text = '';
    for (let i = 0; i < 100 && !text.includes('warm csharp call 2'); i++) {
      const listed = (await admin.raw('GET', logs)).body as RunLogFileEntry[];
      const step = listed.find((file) => file.kind === 'Step');
      if (step) {
        const answer = await admin.raw('GET', `${logs}/content`, { query: { path: step.path } });
        text = (answer.body as RunLogContentResponse).content;
      }
      if (!text.includes('warm csharp call 2')) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[INFO\] warm csharp call 2$/m);
  });
});
