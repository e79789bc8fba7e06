import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExternalExecutionSettings, type StepProtocolRequest } from '@tempo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGE_SHIMS } from './language-shims.ts';

/**
 * A handler returning what the Python SDK's `@step` returns for a non-Success result: an object
 * marked `__tempo_step_result__` with `to_dict()`. Written without the SDK, because the shim
 * knows only the marker.
 */
const HANDLER = `
class Result:
    __tempo_step_result__ = True

    def __init__(self, document):
        self.document = document

    def to_dict(self):
        return self.document


class Unmarked:
    def to_dict(self):
        return {"result": "Error"}


class NotCallable:
    __tempo_step_result__ = True
    to_dict = {"result": "Error"}


def run(request):
    kind = request["data"]
    if kind == "error":
        return Result({"tenantId": "ten_other", "requestId": "req_other", "result": "Error",
                       "data": {"why": "rule"}, "exception": None, "metadata": None})
    if kind == "own-metadata":
        return Result({"result": "Exception", "data": None, "exception": "declined", "metadata": {"own": True}})
    if kind == "unmarked":
        return Unmarked()
    if kind == "not-callable":
        return NotCallable()
    return {"result": "Error", "data": "a dict is data"}
`;

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tempo-python-shim-'));
  await writeFile(join(folder, 'marked_results.py'), HANDLER);
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const requestOf = (n: number, data: string): StepProtocolRequest => ({
  protocolVersion: '1.0',
  tenantId: 'ten_shim',
  dataFlowId: 'flow_shim',
  flowRunId: `run_shim_${n}`,
  stepRunId: `sru_shim_${n}`,
  requestId: `req_shim_${n}`,
  data,
  metadata: { origin: 'request' },
  previousResult: null,
});

const runShim = (input: string, persistent: boolean) => {
  const run = spawnSync(
    ExternalExecutionSettings.parse({}).pythonExecutable,
    [join(import.meta.dirname, 'shims', LANGUAGE_SHIMS.python.source), 'marked_results', 'run'],
    {
      cwd: folder,
      input,
      env: {
        PATH: process.env.PATH,
        PYTHONPATH: folder,
        ...(persistent ? { TEMPO_PERSISTENT_PROTOCOL: '1' } : {}),
      },
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
};

/** The result the shim answers for `data`, one process per call or one warm process for all. */
const resultsOf = (kinds: readonly string[], persistent: boolean): Record<string, unknown>[] => {
  if (!persistent)
    return kinds.map((kind, n) => JSON.parse(runShim(JSON.stringify(requestOf(n, kind)), false)));
  const lines = kinds.map(
    (kind, n) => `${JSON.stringify({ type: 'invoke', request: requestOf(n, kind) })}\n`,
  );
  return runShim(lines.join(''), true)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { type: string; result?: Record<string, unknown> })
    .filter((frame) => frame.type === 'result')
    .map((frame) => frame.result ?? {});
};

const correlation = (n: number) => ({
  protocolVersion: '1.0',
  tenantId: 'ten_shim',
  dataFlowId: 'flow_shim',
  flowRunId: `run_shim_${n}`,
  stepRunId: `sru_shim_${n}`,
  requestId: `req_shim_${n}`,
});

describe.each([
  ['one-shot', false],
  ['persistent', true],
])('the Python shim, %s', (_mode, persistent) => {
  it('keeps a marked StepResult whole, its ids taken from the request', () => {
    const [error, own] = resultsOf(['error', 'own-metadata'], persistent);
    expect(error).toEqual({
      ...correlation(0),
      result: 'Error',
      data: { why: 'rule' },
      exception: null,
      metadata: { origin: 'request' },
    });
    expect(own).toEqual({
      ...correlation(1),
      result: 'Exception',
      data: null,
      exception: 'declined',
      metadata: { own: true },
    });
  });

  it('wraps anything else as Success data, and fails what it cannot serialise', () => {
    const [plain, unmarked, notCallable] = resultsOf(['plain', 'unmarked', 'not-callable'], persistent);
    expect(plain).toEqual({
      ...correlation(0),
      result: 'Success',
      data: { result: 'Error', data: 'a dict is data' },
      exception: null,
      metadata: { origin: 'request' },
    });
    for (const [n, failed] of [
      [1, unmarked],
      [2, notCallable],
    ] as const) {
      expect(failed).toMatchObject({ ...correlation(n), result: 'Exception', data: null });
      expect(failed?.exception).toMatch(/^handler result is not JSON-serialisable: /);
    }
  });
});
