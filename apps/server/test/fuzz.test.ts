import { TempoClient } from '@tempo/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asCurl,
  describeAnswer,
  type FuzzAnswer,
  problemOf,
  send,
  serverErrorOf,
  signatureOf,
} from './fuzz-answers.ts';
import { createFuzzTargets, fuzzHints } from './fuzz-fixture.ts';
import { type FuzzRequest, type FuzzTargets, fuzzRequests } from './fuzz-requests.ts';
import {
  type DocumentedOperation,
  fetchOpenApiDocument,
  operationKey,
  operationsOf,
} from './openapi-shape.ts';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** Fixed so a failure replays; `FUZZ_SEED` and `FUZZ_RUNS` override for exploring. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_101);
const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
const CONCURRENCY = 8;
const REQUEST_TIMEOUT_MS = 10_000;
/** After this many hangs the server is taken as wedged and the rest is not sent. */
const MAX_TIMEOUTS = 8;

let server: ServerProcess;
let operations: DocumentedOperation[];
let targets: FuzzTargets;

/** Sends every request with at most {@link CONCURRENCY} in flight; stops early if the server wedges. */
const sendAll = async (
  baseUrl: URL,
  requests: readonly FuzzRequest[],
): Promise<(FuzzAnswer | undefined)[]> => {
  const answers: (FuzzAnswer | undefined)[] = new Array(requests.length);
  let next = 0;
  let timeouts = 0;
  const lane = async () => {
    while (next < requests.length && timeouts < MAX_TIMEOUTS) {
      const index = next++;
      const request = requests[index];
      if (!request) continue;
      const answer = await send(baseUrl, request, REQUEST_TIMEOUT_MS);
      if (answer.failure === 'timeout') timeouts += 1;
      answers[index] = answer;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return answers;
};

beforeAll(async () => {
  server = await startServerProcess({ logging: { consoleLogging: false } });
  operations = operationsOf((await fetchOpenApiDocument(server.baseUrl)).document);
  targets = await createFuzzTargets(server.baseUrl, server.seededAccessKey);
});

afterAll(async () => {
  await server?.stop();
});

describe('fuzz', () => {
  it(`answers ${RUNS} generated requests with no 5xx, no hang and only well-formed 4xx bodies`, async () => {
    const requests = fc.sample(fuzzRequests(operations, targets, fuzzHints(targets, server.baseUrl)), {
      seed: SEED,
      numRuns: RUNS,
    });
    const targeted = new Set(requests.map((request) => request.target));
    const untargeted = operations
      .map(({ method, path }) => operationKey(method, path))
      .filter((key) => !targeted.has(key));
    // Smaller samples, when exploring, may miss an operation by chance.
    if (RUNS >= 20 * operations.length) {
      expect(untargeted, 'operations the sample never aimed at').toEqual([]);
    }

    const baseUrl = new URL(server.baseUrl);
    const startedMs = performance.now();
    const answers = await sendAll(baseUrl, requests);
    const elapsedMs = Math.round(performance.now() - startedMs);
    const statuses = new Map<string, number>();
    const failures = new Map<string, { count: number; targets: Set<string>; example: string }>();
    answers.forEach((answer, index) => {
      const request = requests[index];
      if (!answer || !request) return;
      const status = String(answer.status ?? answer.failure);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const problem = problemOf(request, answer);
      if (!problem) return;
      const kind = `${problem} (${signatureOf(answer)})`;
      const seen = failures.get(kind);
      if (seen) {
        seen.count += 1;
        seen.targets.add(request.target);
      } else {
        const example = `  e.g. (${request.broken} broken) ${asCurl(baseUrl, request)}\n    → ${describeAnswer(answer)}${serverErrorOf(answer, server.logDirectory)}`;
        failures.set(kind, { count: 1, targets: new Set([request.target]), example });
      }
    });
    const sent = answers.filter((answer) => answer !== undefined).length;
    console.info(
      `fuzz seed ${SEED}: ${sent} requests in ${elapsedMs} ms, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    const failed = [...failures.values()].reduce((sum, { count }) => sum + count, 0);
    const report = [
      `fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}): ${failed} of ${sent} answers were wrong, ${failures.size} kinds:`,
      ...[...failures].map(
        ([kind, { count, targets: aimedAt, example }]) =>
          `[${count}× over ${aimedAt.size} operations] ${kind}\n${example}`,
      ),
    ].join('\n');
    expect(failures.size, report).toBe(0);
    expect(sent, 'requests answered before the server stopped answering').toBe(RUNS);
  }, 110_000);

  it('leaves no run of the fuzzed flow unfinished once its time limit has passed', async () => {
    const admin = new TempoClient({ baseUrl: server.baseUrl, credentials: { apiKey: TEST_ADMIN_API_KEY } });
    const tenant = admin.tenant(targets.ids.tenants?.[0] ?? '');
    const dataFlowId = targets.ids.flows?.[0] ?? '';
    // The fixture flow allows 2 s per run; runs started by the last requests get that and a margin.
    let unfinished: string[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const runs = await tenant.runs.list({ dataFlowId, pageSize: 1_000 });
      unfinished = runs.items
        .filter((run) => run.state === 'Queued' || run.state === 'Running')
        .map(
          (run) =>
            `${run.id} ${run.state} since ${run.createdUtc}, input ${run.inputData?.length ?? 0} chars`,
        );
      if (unfinished.length === 0) break;
      await new Promise((resolveWait) => setTimeout(resolveWait, 500));
    }
    expect(unfinished).toEqual([]);
  }, 30_000);
});
