import { appendFile } from 'node:fs/promises';
import type { HandlerLogFile, StepLogTarget } from '../run-logs/step-log-scope.ts';
import type { StepResult } from '../runtimes/step-protocol.ts';
import { traceEnvironment } from '../telemetry/trace-context.ts';
import { redactSecrets } from './handler-environment.ts';
import type { HandlerProcessLimits } from './handler-isolation.ts';
import { describeLimitFailure } from './handler-limit-errors.ts';
import { describeOutcome, exception, mapOutcome, withStderr } from './handler-outcome.ts';
import { invokeLine, runLogLines } from './persistent-protocol.ts';
import type { HandlerInvocation } from './process-handler-host.ts';
import { readStepResult } from './protocol-v1.ts';
import type { WarmHandler } from './warm-pool.ts';
import type { WarmCallOutcome } from './warm-process.ts';

/** What one invocation of a warm process came to. */
export interface WarmCallReport {
  readonly result: StepResult;
  /** The invocation's stderr, secrets redacted. */
  readonly stderr: string;
  /** True when the process answered cleanly and may serve the next invocation. */
  readonly reusable: boolean;
  /** The host killed the process (time limit, output limit, cancel, malformed line). */
  readonly killed: boolean;
  readonly elapsedMs: number;
}

/** What a warm invocation needs besides the process. */
export interface WarmCallContext {
  readonly invocation: HandlerInvocation;
  readonly stepLog: StepLogTarget | undefined;
  /**
   * The step's run-log file, opened by the caller before it took the process: nothing may wait
   * on I/O between taking an idle process and sending it the invocation, or it could exit in
   * between. Closed here once the invocation ended.
   */
  readonly logFile: HandlerLogFile | null;
  /** The worker (or pseudo-worker) id, for `TEMPO_WORKER_ID`. */
  readonly workerId: string;
  readonly limits: HandlerProcessLimits;
  /** Whether memory and CPU limits apply here, so an exit can be read as hitting one. */
  readonly limitsApply: boolean;
}

/** Log bytes held before they are appended to the step's file, so a chatty handler costs few writes. */
const LOG_FLUSH_BYTES = 64 * 1024;

/**
 * Sends one invocation to a warm process and maps what came back by the v1 outcome table: its
 * log lines go to the step's run-log file in the v1 line format (the process has no file of its
 * own), its stderr to the step's stderr log, a host event to `host.log`.
 */
export const runWarmCall = async (
  handler: WarmHandler,
  context: WarmCallContext,
): Promise<WarmCallReport> => {
  const { invocation, stepLog, logFile } = context;
  const { request } = invocation;
  const started = Date.now();
  let pending = '';
  let writes: Promise<void> = Promise.resolve();
  const flush = () => {
    // Stryker disable next-line LogicalOperator,ConditionalExpression,StringLiteral: nothing is held without a file, and appending nothing writes nothing.
    if (!logFile || pending === '') return;
    const text = pending;
    pending = '';
    writes = writes.then(() => appendFile(logFile.file, text).catch(() => undefined));
  };
  const environment: Record<string, string> = {
    ...traceEnvironment(),
    TEMPO_SCRATCH_DIR: handler.scratch,
    // Stryker disable next-line StringLiteral: the request's ids are required strings.
    TEMPO_FLOW_RUN_ID: request.flowRunId ?? '',
    TEMPO_RUN_ASSIGNMENT_ID: stepLog?.runAssignmentId ?? '',
    // Stryker disable next-line StringLiteral: the request's ids are required strings.
    TEMPO_STEP_RUN_ID: request.stepRunId ?? '',
    TEMPO_STEP_ID: invocation.stepId,
    TEMPO_WORKER_ID: context.workerId,
  };
  let outcome: WarmCallOutcome;
  try {
    outcome = await handler.process.invoke(invokeLine(request, environment), {
      timeoutMs: invocation.timeoutMs,
      signal: invocation.signal,
      onLog: (level, text) => {
        // Stryker disable next-line ConditionalExpression: without a file, what is held is never written.
        if (!logFile) return;
        pending += runLogLines(level, text, new Date());
        // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: when the held lines are written changes the number of writes, not the file.
        if (pending.length >= LOG_FLUSH_BYTES) flush();
      },
    });
  } finally {
    flush();
    await writes;
    await stepLog?.closeHandlerFile();
  }
  const elapsedMs = Date.now() - started;
  const redact = (text: string) => redactSecrets(text, handler.secretValues);
  const stderr = redact(outcome.stderr.toString('utf8'));
  const mapped = mapWarmOutcome(outcome, stderr, context, redact);
  if (stepLog) {
    stepLog.hostEvent(
      `${describeWarmOutcome(handler, outcome, invocation.timeoutMs, redact)} after ${elapsedMs} ms`,
    );
    stepLog.stderr(stderr);
  }
  // The scratch folder is not emptied between invocations: the server runs as root, and
  // deleting by path in a folder a live handler tree can rewrite (a directory swapped for a
  // symbolic link mid-delete) lets the handler delete any file on the host. The folder is removed
  // once the process and everything it started are gone (see WarmPool).
  const reusable = mapped.reusable && handler.process.idle;
  // Killed already when the host stopped it; otherwise (a result for another request) it goes now.
  if (!reusable) void handler.process.kill();
  return {
    result: mapped.result,
    stderr,
    reusable,
    killed:
      outcome.kind === 'malformed' ||
      outcome.kind === 'timedOut' ||
      outcome.kind === 'overflow' ||
      outcome.kind === 'cancelled',
    elapsedMs,
  };
};

const mapWarmOutcome = (
  outcome: WarmCallOutcome,
  stderr: string,
  context: WarmCallContext,
  redact: (text: string) => string,
): { readonly result: StepResult; readonly reusable: boolean } => {
  const notResult = (message: string) =>
    exception(
      withStderr(`External process stdout was not valid StepResult JSON: ${redact(message)}`, stderr),
    );
  switch (outcome.kind) {
    case 'result': {
      const parsed = readStepResult(outcome.result, context.invocation.request);
      // A result for another request means the process lost track: it is not used again.
      if (!parsed.ok) return { result: notResult(parsed.message), reusable: false };
      const { errorMessage } = parsed.result;
      const result = errorMessage ? { ...parsed.result, errorMessage: redact(errorMessage) } : parsed.result;
      return { result, reusable: true };
    }
    case 'malformed':
      // Stryker disable next-line BooleanLiteral: the process is killed already, so it is not idle and not reused either way.
      return { result: notResult(outcome.message), reusable: false };
    default: {
      const limitFailure = context.limitsApply ? describeLimitFailure(outcome, stderr, context.limits) : null;
      const result = limitFailure
        ? exception(limitFailure)
        : mapOutcome(outcome, stderr, context.invocation, redact);
      // Stryker disable next-line BooleanLiteral: the process ended or was killed, so it is not idle and not reused either way.
      return { result, reusable: false };
    }
  }
};

const describeWarmOutcome = (
  handler: WarmHandler,
  outcome: WarmCallOutcome,
  timeoutMs: number,
  redact: (text: string) => string,
): string => {
  // Stryker disable next-line StringLiteral: a warm process that started has a pid.
  const which = `warm handler process ${handler.process.pid ?? '?'} (invocation ${handler.process.invocations})`;
  switch (outcome.kind) {
    case 'result':
      return `${which} answered`;
    case 'malformed':
      return `${which} discarded: ${redact(outcome.message)}`;
    default:
      return `${which}: ${describeOutcome(outcome, timeoutMs, redact)}`;
  }
};
