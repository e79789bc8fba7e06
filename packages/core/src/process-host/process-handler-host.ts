import type { ExternalExecutionSettings, StepProtocolRequest } from '@tempo/contracts';
import { assertNever } from '@tempo/contracts';
import { currentStepLog } from '../run-logs/step-log-scope.ts';
import type { StepResult } from '../runtimes/step-protocol.ts';
import { traceEnvironment } from '../telemetry/trace-context.ts';
import { type CapacityLease, CapacityLimiter, type CapacitySnapshot } from './capacity-limiter.ts';
import { type ChildProcessOutcome, runChildProcess } from './child-process-run.ts';
import { buildHandlerEnvironment, redactSecrets } from './handler-environment.ts';
import { detectHandlerIsolation, type HandlerIsolation, resolveCommand } from './handler-isolation.ts';
import {
  clearHandlerLeftovers,
  type HandlerLeftoverReport,
  type HandlerOwner,
  handlerCallTag,
  handlerOwnerOf,
} from './handler-leftovers.ts';
import { describeLimitFailure } from './handler-limit-errors.ts';
import { giveToHandlerUser, parseHandlerUser } from './handler-user.ts';
import { type ShimLanguage, writeShim } from './language-shims.ts';
import { parseStepResult, SUPPORTED_PROTOCOL_VERSIONS } from './protocol-v1.ts';
import { createScratchFolder, removeScratchFolder } from './scratch-folder.ts';
import { planServerFileHiding } from './server-file-hiding.ts';

/** How to start a handler: the command line, where, and what it may read from the environment. */
export interface HandlerLaunch {
  readonly command: string;
  readonly args: readonly string[];
  /** Working folder: the extracted artifact root, or a host executable's folder. */
  readonly cwd: string;
  /** A shim written to the scratch folder and passed as the first argument, for function handlers. */
  readonly shim?: ShimLanguage;
  /** Extra fixed variables (`TEMPO_ARTIFACT_ROOT`, `PYTHONPATH`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Names the tenant asked for; only those the operator allows are passed. */
  readonly requestedEnvironment: readonly string[];
  /** Names an operator-owned entry passes as they are. */
  readonly operatorEnvironment?: readonly string[];
}

/** One call of a handler. */
export interface HandlerInvocation {
  readonly request: StepProtocolRequest;
  /** The step's execution key, for `TEMPO_STEP_ID`. */
  readonly stepId: string;
  readonly launch: HandlerLaunch;
  /** The time limit of this call in milliseconds (> 0). */
  readonly timeoutMs: number;
  /** Aborted when the run is cancelled or the flow's time is up. */
  readonly signal: AbortSignal;
}

/** When the call got its process slot. */
export interface CapacityReport {
  readonly queuedUtc: string;
  readonly acquiredUtc: string;
  readonly waitMs: number;
}

/** A handler call's result, with what the host saw on the way. */
export interface HandlerOutcome {
  readonly result: StepResult;
  readonly capacity: CapacityReport | null;
  /** The handler's stderr, secrets redacted. */
  readonly stderr: string;
}

/**
 * Runs protocol v1 handlers. This implementation starts one process per call; a warm host that
 * keeps a handler process alive across calls implements the same interface.
 */
export interface HandlerHost {
  invoke(invocation: HandlerInvocation): Promise<HandlerOutcome>;
}

/** What {@link ProcessHandlerHost} needs. */
export interface ProcessHandlerHostOptions {
  readonly settings: ExternalExecutionSettings;
  /** Where handler variables are read from; the server's environment. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** The worker (or pseudo-worker) id, for `TEMPO_WORKER_ID`. */
  readonly workerId: string;
  /** The isolation to use, when the caller chose it already; detected from the settings otherwise. */
  readonly isolation?: HandlerIsolation;
  /**
   * The server's own files and folders, hidden from namespaced calls with `hideServerFiles`
   * (see `serverFilePaths`); the scratch and cache roots are always among them.
   */
  readonly serverPaths?: readonly string[];
}

const exception = (message: string): StepResult => ({
  result: 'Exception',
  data: null,
  errorMessage: message,
});

const withStderr = (message: string, stderr: string) =>
  stderr.trim() === '' ? message : `${message}: ${stderr.trim()}`;

/** The host's counters: its process slots, and what its processes cost since start. */
export interface HandlerHostStatus extends CapacitySnapshot {
  /** Wall-clock milliseconds handler processes ran. */
  readonly totalProcessRuntimeMs: number;
  /** Processes killed at a time limit, an output limit or a cancel. */
  readonly processKillCount: number;
}

/** The process outcomes that end with the host killing the process group. */
const KILLED_OUTCOMES: ReadonlySet<ChildProcessOutcome['kind']> = new Set([
  'timedOut',
  'overflow',
  'cancelled',
]);

/**
 * One process per call, under the server-wide and per-tenant process limits. Each call's
 * processes carry a tag naming this host's process and scratch root, so none of them outlives
 * the call, and {@link ProcessHandlerHost.clearLeftovers} finds those a crashed server left.
 */
export class ProcessHandlerHost implements HandlerHost {
  readonly #options: ProcessHandlerHostOptions;
  readonly #capacity: CapacityLimiter;
  readonly #owner: HandlerOwner;
  readonly #isolation: HandlerIsolation;
  #processRuntimeMs = 0;
  #killCount = 0;

  constructor(options: ProcessHandlerHostOptions) {
    this.#options = options;
    this.#owner = handlerOwnerOf(options.settings.scratchRoot);
    this.#isolation =
      options.isolation ??
      detectHandlerIsolation({
        requested: options.settings.isolation,
        searchPath: process.env.PATH,
        hideServerFiles: options.settings.hideServerFiles,
        handlerUser: parseHandlerUser(options.settings.handlerUser),
      });
    this.#capacity = new CapacityLimiter({
      maxServerWide: options.settings.maxConcurrentProcessesServerWide,
      maxPerTenant: options.settings.maxConcurrentProcessesPerTenant,
    });
  }

  /** How handler trees are contained and whether memory and CPU limits apply, as detected at start. */
  get isolation(): HandlerIsolation {
    return this.#isolation;
  }

  /** Slots in use and waiting, and the totals since start. */
  status(): HandlerHostStatus {
    return {
      ...this.#capacity.snapshot(),
      totalProcessRuntimeMs: this.#processRuntimeMs,
      processKillCount: this.#killCount,
    };
  }

  /**
   * Kills the handler processes a server that is no longer running left over this scratch root,
   * and removes the scratch folders no running handler uses. Call it once at start, before the
   * first run: a server killed without a chance to stop its handlers leaves them to its restart.
   */
  clearLeftovers(): Promise<HandlerLeftoverReport> {
    return clearHandlerLeftovers(this.#options.settings.scratchRoot, this.#owner);
  }

  async invoke(invocation: HandlerInvocation): Promise<HandlerOutcome> {
    const { settings } = this.#options;
    const { request } = invocation;
    const input = Buffer.from(JSON.stringify(request), 'utf8');
    if (input.length > settings.maxInputBytes) {
      return {
        result: exception('Step request exceeds external execution maxInputBytes.'),
        capacity: null,
        stderr: '',
      };
    }
    let lease: CapacityLease;
    try {
      lease = await this.#capacity.acquire(request.tenantId, invocation.signal);
    } catch {
      return {
        result: exception('The run was cancelled while waiting for a process slot.'),
        capacity: null,
        stderr: '',
      };
    }
    const capacity = { queuedUtc: lease.queuedUtc, acquiredUtc: lease.acquiredUtc, waitMs: lease.waitMs };
    let scratch: string | null = null;
    // The step's run log, when its run has one: the handler appends to its file itself.
    const stepLog = currentStepLog();
    try {
      const logFile = stepLog ? await stepLog.openHandlerFile() : null;
      scratch = await createScratchFolder(settings.scratchRoot, request.tenantId, request.stepRunId);
      const { launch } = invocation;
      const shimArgs = launch.shim ? [await writeShim(launch.shim, scratch)] : [];
      const { env, secretValues } = buildHandlerEnvironment({
        source: this.#options.environment,
        operatorAllowList: settings.environmentAllowList,
        requestedNames: launch.requestedEnvironment,
        operatorPassedNames: launch.operatorEnvironment,
        fixed: {
          HOME: scratch,
          TMPDIR: scratch,
          ...launch.env,
          // The active step span's W3C context (spec §3.1), so a handler's spans join the run's trace.
          ...traceEnvironment(),
          TEMPO_PROTOCOL_VERSION: request.protocolVersion,
          TEMPO_SUPPORTED_PROTOCOL_VERSIONS: SUPPORTED_PROTOCOL_VERSIONS.join(','),
          TEMPO_SCRATCH_DIR: scratch,
          TEMPO_FLOW_RUN_ID: request.flowRunId,
          TEMPO_RUN_ASSIGNMENT_ID: stepLog?.runAssignmentId ?? '',
          ...(logFile
            ? { TEMPO_RUN_LOG_DIR: logFile.dir, TEMPO_RUN_LOG_FILE: logFile.file, TEMPO_RUN_LOG_KIND: 'Step' }
            : {}),
          TEMPO_STEP_RUN_ID: request.stepRunId,
          TEMPO_STEP_ID: invocation.stepId,
          TEMPO_WORKER_ID: this.#options.workerId,
        },
      });
      const resolved = resolveCommand(launch.command, launch.cwd, env.PATH);
      if (resolved === null) {
        stepLog?.hostEvent(`no executable "${launch.command}" was found; the handler did not start`);
        return {
          result: exception(`External process failed to start: no executable "${launch.command}" was found.`),
          capacity,
          stderr: '',
        };
      }
      const limits = {
        memoryLimitMb: settings.memoryLimitMb,
        cpuTimeLimitSeconds: settings.cpuTimeLimitSeconds,
      };
      // Without tree killing a namespace cannot be had: its end kills everything in it.
      const namespaced = this.#isolation.mode === 'namespace' && settings.killProcessTreeOnCancel;
      const hiding =
        namespaced && this.#isolation.hidingApplies && settings.hideServerFiles
          ? planServerFileHiding({
              serverPaths: [...(this.#options.serverPaths ?? []), settings.scratchRoot, settings.cacheRoot],
              command: resolved,
              cwd: launch.cwd,
              scratch,
              writableFiles: logFile ? [logFile.file] : [],
            })
          : undefined;
      // A hidden call runs as the handler user: its scratch folder (its HOME and TMPDIR) and the
      // shim in it become that user's, and nothing else of the server does.
      const { handlerUser } = this.#isolation;
      if (hiding && handlerUser)
        await giveToHandlerUser([scratch, ...shimArgs, ...(logFile ? [logFile.file] : [])], handlerUser);
      const wrapped = this.#isolation.wrap(
        resolved,
        [...shimArgs, ...launch.args],
        limits,
        namespaced,
        hiding,
      );
      const started = Date.now();
      const outcome = await runChildProcess({
        command: wrapped.command,
        args: wrapped.args,
        cwd: launch.cwd,
        env,
        stdin: input,
        timeoutMs: invocation.timeoutMs,
        maxStdoutBytes: Math.min(settings.maxStdoutBytes, settings.maxOutputBytes),
        maxStderrBytes: settings.maxStderrBytes,
        killTree: settings.killProcessTreeOnCancel,
        containmentTag: handlerCallTag(this.#owner),
        namespaced,
        signal: invocation.signal,
      });
      this.#processRuntimeMs += Date.now() - started;
      if (KILLED_OUTCOMES.has(outcome.kind)) this.#killCount += 1;
      const redact = (text: string) => redactSecrets(text, secretValues);
      const stderr = 'stderr' in outcome ? redact(outcome.stderr.toString('utf8')) : '';
      const limitFailure = this.#isolation.limitsApply ? describeLimitFailure(outcome, stderr, limits) : null;
      const result = limitFailure ? exception(limitFailure) : mapOutcome(outcome, stderr, invocation, redact);
      if (stepLog) {
        stepLog.hostEvent(
          `${describeOutcome(outcome, invocation.timeoutMs, redact)} after ${Date.now() - started} ms`,
        );
        stepLog.stderr(stderr);
      }
      return { result, capacity, stderr };
    } finally {
      await stepLog?.closeHandlerFile();
      lease.release();
      if (scratch) await removeScratchFolder(scratch);
    }
  }
}

/** One line for the attempt's `host.log` on how a handler process ended. */
const describeOutcome = (
  outcome: ChildProcessOutcome,
  timeoutMs: number,
  redact: (text: string) => string,
): string => {
  switch (outcome.kind) {
    case 'exited':
      return `handler process exited with code ${outcome.exitCode}${outcome.signal ? ` (${outcome.signal})` : ''}`;
    case 'failedToStart':
      return `handler process failed to start: ${redact(outcome.message)}`;
    case 'timedOut':
      return `handler process killed at its time limit of ${timeoutMs} ms`;
    case 'overflow':
      return `handler process killed: its ${outcome.stream} passed the configured byte limit`;
    case 'cancelled':
      return 'handler process killed: the run was cancelled';
    default:
      return assertNever(outcome, 'process outcome');
  }
};

/**
 * The spec's host-side outcome table, in its order. Every text that comes from the handler (its
 * stderr, its own error or exception, what is wrong with its stdout) goes through `redact`, the
 * rule stderr follows, since all of it reaches run records and trigger callers.
 */
const mapOutcome = (
  outcome: ChildProcessOutcome,
  stderr: string,
  invocation: HandlerInvocation,
  redact: (text: string) => string,
): StepResult => {
  switch (outcome.kind) {
    case 'failedToStart':
      return exception(`External process failed to start: ${redact(outcome.message)}`);
    case 'timedOut':
      return {
        result: 'Timeout',
        data: null,
        errorMessage: `External process exceeded maximum runtime of ${invocation.timeoutMs}ms`,
      };
    case 'cancelled':
      return exception('The run was cancelled.');
    case 'overflow':
      return exception(`External process ${outcome.stream} exceeded configured byte limit.`);
    case 'exited': {
      if (outcome.exitCode !== 0) {
        return exception(withStderr(`External process exited with code ${outcome.exitCode}`, stderr));
      }
      const stdout = outcome.stdout.toString('utf8');
      if (stdout.trim() === '') return exception('External process produced empty stdout');
      const parsed = parseStepResult(stdout, invocation.request);
      if (!parsed.ok) {
        return exception(
          withStderr(
            `External process stdout was not valid StepResult JSON: ${redact(parsed.message)}`,
            stderr,
          ),
        );
      }
      const { errorMessage } = parsed.result;
      return errorMessage ? { ...parsed.result, errorMessage: redact(errorMessage) } : parsed.result;
    }
    default:
      return assertNever(outcome, 'process outcome');
  }
};
