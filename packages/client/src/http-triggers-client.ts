import { FlowRunState, type TriggerHttpMethod } from '@tempo/contracts';
import { z } from 'zod';
import { TempoApiError, TempoResponseError } from './client-errors.ts';
import { DEFAULT_TIMEOUT_MS } from './client-options.ts';
import type { HttpTransport } from './http-transport.ts';
import { segment } from './request-url.ts';

const optional = z
  .string()
  .optional()
  .transform((value) => value ?? null);

// The spec's run headers of a trigger answer (contracts list only their names, in
// TRIGGER_RESPONSE_HEADERS); empty ones are left out by the server.
const RunHeaders = z
  .object({
    'x-run-id': z.string(),
    'x-tenant-id': z.string(),
    'x-dataflow-id': z.string(),
    'x-trigger-id': z.string(),
    'x-worker-id': optional,
    'x-run-state': FlowRunState,
    'x-run-created-utc': z.string(),
    'x-run-started-utc': optional,
    'x-run-completed-utc': optional,
    'x-run-last-update-utc': z.string(),
    'x-runtime-ms': z.coerce.number(),
    'x-run-error': optional,
  })
  .transform((h) => ({
    runId: h['x-run-id'],
    tenantId: h['x-tenant-id'],
    dataFlowId: h['x-dataflow-id'],
    triggerId: h['x-trigger-id'],
    workerId: h['x-worker-id'],
    state: h['x-run-state'],
    createdUtc: h['x-run-created-utc'],
    startedUtc: h['x-run-started-utc'],
    completedUtc: h['x-run-completed-utc'],
    lastUpdateUtc: h['x-run-last-update-utc'],
    runtimeMs: h['x-runtime-ms'],
    error: h['x-run-error'],
  }));

/** The run behind a trigger answer, read from its `x-run-*` headers. */
export type TriggerRunInfo = z.output<typeof RunHeaders>;

/** What a trigger call sends. */
export interface TriggerCallOptions {
  /** `GET` or `POST` (default); the trigger's configuration says which it accepts. */
  readonly method?: TriggerHttpMethod;
  /** The flow's input, sent as JSON (POST only). */
  readonly body?: unknown;
  /** The flow's input sent exactly as given (POST only); wins over `body`. */
  readonly rawBody?: string;
  /** Content type of `rawBody`; default `application/json`. */
  readonly contentType?: string;
  /** Extra headers, e.g. other credentials for an `ApiAuthenticated` flow. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The flow's `maxRuntimeMs`, when the caller knows it: the call then waits as long as the server
   * waits for that flow, plus a margin. Without it the call waits as long as the server's longest
   * wait, plus the margin.
   */
  readonly flowMaxRuntimeMs?: number;
  /** Time limit of this call in milliseconds; replaces the wait described at `flowMaxRuntimeMs`. */
  readonly timeoutMs?: number;
}

/** The answer of a trigger call that reached a run. */
export interface TriggerCallResult {
  /** 200 succeeded, 202 still running after the wait, 409 cancelled, 500 failed. */
  readonly status: number;
  /** The run's metadata. */
  readonly run: TriggerRunInfo;
  /** The final step's output: parsed JSON, the text when it is not JSON, or null when empty. */
  readonly output: unknown;
  /** Every answer header, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
}

// The server's wait for a trigger's run (the trigger route's rule): the flow's limit plus 5 s,
// within 1 s to 600 s, or 30 s for a flow without a limit.
const SERVER_DEFAULT_WAIT_MS = 30_000;
const SERVER_MIN_WAIT_MS = 1_000;
const SERVER_MAX_WAIT_MS = 600_000;
const SERVER_WAIT_OVER_FLOW_LIMIT_MS = 5_000;
/** What the client waits beyond the server's wait, for the answer to be written and to travel. */
const TRIGGER_WAIT_MARGIN_MS = 15_000;

/**
 * How long a trigger call waits for its answer: the server's wait for a flow with
 * `flowMaxRuntimeMs` (its longest wait when that is unknown) plus a margin, so the server's own
 * `202` always arrives before the client gives up.
 */
export const triggerCallTimeoutMs = (flowMaxRuntimeMs?: number): number => {
  const serverWaitMs =
    flowMaxRuntimeMs === undefined
      ? SERVER_MAX_WAIT_MS
      : flowMaxRuntimeMs > 0
        ? Math.min(
            SERVER_MAX_WAIT_MS,
            Math.max(SERVER_MIN_WAIT_MS, flowMaxRuntimeMs + SERVER_WAIT_OVER_FLOW_LIMIT_MS),
          )
        : SERVER_DEFAULT_WAIT_MS;
  return serverWaitMs + TRIGGER_WAIT_MARGIN_MS;
};

/** Calls of HTTP triggers (`GET`/`POST /v1.0/triggers/http/{triggerId}`), which wait for their run. */
export class HttpTriggersClient {
  readonly #transport: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#transport = transport;
  }

  /**
   * Fires a trigger and waits for its run. A run that failed, was cancelled or outlasted the
   * wait still resolves (see `status` and `run.state`); only a call that started no run (unknown
   * trigger, wrong method, inactive, no flow, not allowed) throws {@link TempoApiError}. The call
   * waits {@link triggerCallTimeoutMs}, or longer when the client's own `timeoutMs` is longer.
   */
  async fire(triggerId: string, options: TriggerCallOptions = {}): Promise<TriggerCallResult> {
    const { method = 'POST', flowMaxRuntimeMs, timeoutMs, ...request } = options;
    const path = `/v1.0/triggers/http/${segment(triggerId)}`;
    // The client's own time limit is for quick calls; a trigger call waits for a whole run.
    const waitMs =
      timeoutMs ??
      Math.max(
        this.#transport.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        triggerCallTimeoutMs(flowMaxRuntimeMs),
      );
    const answer = await this.#transport.raw(method, path, { ...request, timeoutMs: waitMs });
    // A run's answer keeps its run headers whatever its status; an error body has none.
    const isRunAnswer = answer.headers['x-run-id'] !== undefined;
    if (!isRunAnswer && (answer.status < 200 || answer.status > 299)) {
      throw TempoApiError.fromAnswer(answer.status, answer.body);
    }
    const run = RunHeaders.safeParse(answer.headers);
    if (!run.success) throw new TempoResponseError(method, path, answer.status, run.error);
    return { status: answer.status, run: run.data, output: answer.body, headers: answer.headers };
  }
}
