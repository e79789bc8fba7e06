import type { ExternalExecutionSettings, StepProtocolRequest } from '@tempo/contracts';
import { currentStepLog, type StepLogTarget } from '../run-logs/step-log-scope.ts';
import type { StepResult } from '../runtimes/step-protocol.ts';
import { traceEnvironment } from '../telemetry/trace-context.ts';
import { type CapacityLease, CapacityLimiter, type CapacitySnapshot } from './capacity-limiter.ts';
import { type ChildProcessOutcome, runChildProcess } from './child-process-run.ts';
import { buildHandlerEnvironment, redactSecrets } from './handler-environment.ts';
import {
  detectHandlerIsolation,
  type HandlerIsolation,
  type HandlerProcessLimits,
  resolveCommand,
} from './handler-isolation.ts';
import {
  clearHandlerLeftovers,
  type HandlerLeftoverReport,
  type HandlerOwner,
  handlerCallTag,
  handlerOwnerOf,
} from './handler-leftovers.ts';
import { describeLimitFailure } from './handler-limit-errors.ts';
import { describeOutcome, exception, mapOutcome } from './handler-outcome.ts';
import { giveToHandlerUser, parseHandlerUser } from './handler-user.ts';
import { type ShimLanguage, writeShim } from './language-shims.ts';
import { PERSISTENT_PROTOCOL_VARIABLE } from './persistent-protocol.ts';
import { SUPPORTED_PROTOCOL_VERSIONS } from './protocol-v1.ts';
import { createScratchFolder, removeScratchFolder } from './scratch-folder.ts';
import { planServerFileHiding } from './server-file-hiding.ts';
import { runWarmCall } from './warm-call.ts';
import { type WarmHandler, WarmPool, type WarmPoolSnapshot } from './warm-pool.ts';
import { WarmProcess } from './warm-process.ts';

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
  /**
   * Set when the handler speaks protocol v1 persistent mode (a source step's shim, or a manifest
   * with `persistent: true`): what names its code (runtime, package SHA-256, entrypoint). The
   * host may then keep it warm, per tenant and launch (see `warm-pool.ts`).
   */
  readonly persistentIdentity?: string;
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

/** Runs protocol v1 handlers: one process per call, or a warm process that serves many. */
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
  /** How long a warm process has to write its ready line, in ms; default 10000 (the protocol's). */
  readonly warmStartTimeoutMs?: number;
}

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

/** The protocol's start-up limit of a warm process. */
const DEFAULT_WARM_START_TIMEOUT_MS = 10_000;

/** A command line ready to spawn, with the environment and limits it runs under. */
interface PreparedCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly secretValues: readonly string[];
  readonly namespaced: boolean;
  readonly limits: HandlerProcessLimits;
}

/**
 * Handler calls under the server-wide and per-tenant process limits: one process per call, or,
 * for handlers that speak persistent mode, a warm process from a pool per tenant and launch.
 * Every process carries a tag naming this host's process and scratch root, so none outlives its
 * call (or its warm life), and {@link ProcessHandlerHost.clearLeftovers} finds those a crashed
 * server left.
 */
export class ProcessHandlerHost implements HandlerHost {
  readonly #options: ProcessHandlerHostOptions;
  readonly #capacity: CapacityLimiter;
  readonly #owner: HandlerOwner;
  readonly #isolation: HandlerIsolation;
  readonly #warm: WarmPool;
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
    this.#warm = new WarmPool({
      poolSize: options.settings.warmPoolSize,
      idleTimeoutMs: options.settings.warmIdleTimeoutMs,
      maxInvocations: options.settings.warmMaxInvocations,
      // As many warm processes as could run at once, `warmPoolSize` deep: busy ones hold a
      // capacity slot, idle ones none, so these caps keep idle ones from piling up per step.
      maxLive: options.settings.maxConcurrentProcessesServerWide * options.settings.warmPoolSize,
      maxLivePerTenant: options.settings.maxConcurrentProcessesPerTenant * options.settings.warmPoolSize,
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

  /** The warm processes alive and idle now. */
  warmStatus(): WarmPoolSnapshot {
    return this.#warm.snapshot();
  }

  /**
   * Kills the handler processes a server that is no longer running left over this scratch root,
   * and removes the scratch folders no running handler uses. Call it once at start, before the
   * first run: a server killed without a chance to stop its handlers leaves them to its restart.
   */
  clearLeftovers(): Promise<HandlerLeftoverReport> {
    return clearHandlerLeftovers(this.#options.settings.scratchRoot, this.#owner);
  }

  /** Ends every warm process (idle ones closed, busy ones killed); call it when the server or worker stops. */
  close(): Promise<void> {
    return this.#warm.close();
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
    // The step's run log, when its run has one.
    const stepLog = currentStepLog();
    try {
      const key = this.#warmKey(invocation);
      if (key !== null) {
        const warm = await this.#invokeWarm(invocation, key, stepLog);
        if (warm) return { ...warm, capacity };
      }
      return { ...(await this.#invokeOnce(invocation, input, stepLog)), capacity };
    } finally {
      lease.release();
    }
  }

  /**
   * The pool key of a call that may run warm, or null: persistent mode on, a handler that speaks
   * it and has not refused it, and no CPU-time limit (a warm process would spend one limit on
   * all its invocations). The key holds the tenant, so no process ever serves two tenants.
   */
  #warmKey(invocation: HandlerInvocation): string | null {
    const { settings } = this.#options;
    const { launch } = invocation;
    if (settings.persistentMode === 'Off' || launch.persistentIdentity === undefined) return null;
    if (settings.cpuTimeLimitSeconds > 0 || settings.warmPoolSize === 0) return null;
    const key = JSON.stringify([
      invocation.request.tenantId,
      launch.persistentIdentity,
      launch.command,
      launch.args,
      launch.cwd,
      launch.shim ?? null,
      launch.env ?? null,
      launch.requestedEnvironment,
      launch.operatorEnvironment ?? null,
    ]);
    return this.#warm.isRefused(key) ? null : key;
  }

  /**
   * One call through a warm process of `key`, started when none is idle. Null when the handler
   * refused persistent mode: the call then runs one-shot, and the key is not offered again.
   */
  async #invokeWarm(
    invocation: HandlerInvocation,
    key: string,
    stepLog: StepLogTarget | undefined,
  ): Promise<Omit<HandlerOutcome, 'capacity'> | null> {
    const logFile = stepLog ? await stepLog.openHandlerFile() : null;
    let handler = this.#warm.take(key);
    if (!handler) {
      const started = await this.#startWarm(invocation);
      const adopted = started.ok && this.#warm.adopt(started.handler);
      if (!started.ok || !adopted) {
        if (!started.ok && started.refused && this.#warm.refuse(key)) {
          stepLog?.hostEvent(
            `handler refused persistent mode (${started.reason}); this handler runs one process per invocation from now on`,
          );
        }
        if (started.ok) await started.handler.process.kill();
        // The one-shot call that follows opens the file again for its handler.
        await stepLog?.closeHandlerFile();
        return null;
      }
      handler = started.handler;
    }
    const report = await runWarmCall(handler, {
      invocation,
      stepLog,
      logFile,
      workerId: this.#options.workerId,
      limits: this.#limitsOf(),
      limitsApply: this.#isolation.limitsApply,
    });
    this.#processRuntimeMs += report.elapsedMs;
    if (report.killed) this.#killCount += 1;
    if (report.reusable) this.#warm.give(key, handler);
    return { result: report.result, stderr: report.stderr };
  }

  /** Starts a warm process for the call's launch in a scratch folder of its own, offering persistent mode. */
  async #startWarm(
    invocation: HandlerInvocation,
  ): Promise<
    | { readonly ok: true; readonly handler: WarmHandler }
    | { readonly ok: false; readonly refused: boolean; readonly reason: string }
  > {
    const { settings } = this.#options;
    const { request, launch } = invocation;
    const scratch = await createScratchFolder(settings.scratchRoot, request.tenantId, 'warm');
    const prepared = await this.#prepare(launch, scratch, [], {
      [PERSISTENT_PROTOCOL_VARIABLE]: '1',
      TEMPO_PROTOCOL_VERSION: request.protocolVersion,
      // Every invocation gets this same folder; set at spawn too, so the start-up clean-up of a
      // later server sees the folder in use and finds this process by it, as for one-shot calls.
      TEMPO_SCRATCH_DIR: scratch,
    });
    if (prepared === null) {
      await removeScratchFolder(scratch);
      // The one-shot call that follows reports the missing executable.
      return { ok: false, refused: false, reason: `no executable "${launch.command}"` };
    }
    const started = await WarmProcess.start({
      command: prepared.command,
      args: prepared.args,
      cwd: launch.cwd,
      env: prepared.env,
      killTree: settings.killProcessTreeOnCancel,
      containmentTag: handlerCallTag(this.#owner),
      namespaced: prepared.namespaced,
      startTimeoutMs: this.#options.warmStartTimeoutMs ?? DEFAULT_WARM_START_TIMEOUT_MS,
      maxLineBytes: Math.min(settings.maxStdoutBytes, settings.maxOutputBytes) + RESULT_FRAME_BYTES,
      maxStderrBytes: settings.maxStderrBytes,
    });
    if (!started.ok) {
      await removeScratchFolder(scratch);
      return { ok: false, refused: true, reason: started.reason };
    }
    return {
      ok: true,
      handler: {
        process: started.process,
        tenantId: request.tenantId ?? '',
        scratch,
        secretValues: prepared.secretValues,
      },
    };
  }

  #limitsOf(): HandlerProcessLimits {
    const { settings } = this.#options;
    return { memoryLimitMb: settings.memoryLimitMb, cpuTimeLimitSeconds: settings.cpuTimeLimitSeconds };
  }

  /**
   * The command line of a launch: its shim written to `scratch`, its clean environment with
   * `fixed` variables, and the isolation wrapper (limits, namespace, hidden server files, the
   * handler user, who is given the scratch folder and `writableFiles`). Null when the command
   * does not exist.
   */
  async #prepare(
    launch: HandlerLaunch,
    scratch: string,
    writableFiles: readonly string[],
    fixed: Readonly<Record<string, string>>,
  ): Promise<PreparedCommand | null> {
    const { settings } = this.#options;
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
        TEMPO_SUPPORTED_PROTOCOL_VERSIONS: SUPPORTED_PROTOCOL_VERSIONS.join(','),
        ...fixed,
      },
    });
    const resolved = resolveCommand(launch.command, launch.cwd, env.PATH);
    if (resolved === null) return null;
    const limits = this.#limitsOf();
    // Without tree killing a namespace cannot be had: its end kills everything in it.
    const namespaced = this.#isolation.mode === 'namespace' && settings.killProcessTreeOnCancel;
    const hiding =
      namespaced && this.#isolation.hidingApplies && settings.hideServerFiles
        ? planServerFileHiding({
            serverPaths: [...(this.#options.serverPaths ?? []), settings.scratchRoot, settings.cacheRoot],
            command: resolved,
            cwd: launch.cwd,
            scratch,
            writableFiles: [...writableFiles],
          })
        : undefined;
    // A hidden call runs as the handler user: its scratch folder (its HOME and TMPDIR) and the
    // shim in it become that user's, and nothing else of the server does.
    const { handlerUser } = this.#isolation;
    if (hiding && handlerUser) await giveToHandlerUser([scratch, ...shimArgs, ...writableFiles], handlerUser);
    const wrapped = this.#isolation.wrap(resolved, [...shimArgs, ...launch.args], limits, namespaced, hiding);
    return { command: wrapped.command, args: wrapped.args, env, secretValues, namespaced, limits };
  }

  /** One call in a process of its own: v1 as the spec has it. */
  async #invokeOnce(
    invocation: HandlerInvocation,
    input: Buffer,
    stepLog: StepLogTarget | undefined,
  ): Promise<Omit<HandlerOutcome, 'capacity'>> {
    const { settings } = this.#options;
    const { request, launch } = invocation;
    let scratch: string | null = null;
    try {
      // The handler appends to the step's log file itself.
      const logFile = stepLog ? await stepLog.openHandlerFile() : null;
      scratch = await createScratchFolder(settings.scratchRoot, request.tenantId, request.stepRunId);
      const prepared = await this.#prepare(launch, scratch, logFile ? [logFile.file] : [], {
        // The active step span's W3C context (spec §3.1), so a handler's spans join the run's trace.
        ...traceEnvironment(),
        TEMPO_PROTOCOL_VERSION: request.protocolVersion,
        TEMPO_SCRATCH_DIR: scratch,
        TEMPO_FLOW_RUN_ID: request.flowRunId,
        TEMPO_RUN_ASSIGNMENT_ID: stepLog?.runAssignmentId ?? '',
        ...(logFile
          ? { TEMPO_RUN_LOG_DIR: logFile.dir, TEMPO_RUN_LOG_FILE: logFile.file, TEMPO_RUN_LOG_KIND: 'Step' }
          : {}),
        TEMPO_STEP_RUN_ID: request.stepRunId,
        TEMPO_STEP_ID: invocation.stepId,
        TEMPO_WORKER_ID: this.#options.workerId,
      });
      if (prepared === null) {
        stepLog?.hostEvent(`no executable "${launch.command}" was found; the handler did not start`);
        return {
          result: exception(`External process failed to start: no executable "${launch.command}" was found.`),
          stderr: '',
        };
      }
      const started = Date.now();
      const outcome = await runChildProcess({
        command: prepared.command,
        args: prepared.args,
        cwd: launch.cwd,
        env: prepared.env,
        stdin: input,
        timeoutMs: invocation.timeoutMs,
        maxStdoutBytes: Math.min(settings.maxStdoutBytes, settings.maxOutputBytes),
        maxStderrBytes: settings.maxStderrBytes,
        killTree: settings.killProcessTreeOnCancel,
        containmentTag: handlerCallTag(this.#owner),
        namespaced: prepared.namespaced,
        signal: invocation.signal,
      });
      this.#processRuntimeMs += Date.now() - started;
      if (KILLED_OUTCOMES.has(outcome.kind)) this.#killCount += 1;
      const redact = (text: string) => redactSecrets(text, prepared.secretValues);
      const stderr = 'stderr' in outcome ? redact(outcome.stderr.toString('utf8')) : '';
      const limitFailure = this.#isolation.limitsApply
        ? describeLimitFailure(outcome, stderr, prepared.limits)
        : null;
      const result = limitFailure ? exception(limitFailure) : mapOutcome(outcome, stderr, invocation, redact);
      if (stepLog) {
        stepLog.hostEvent(
          `${describeOutcome(outcome, invocation.timeoutMs, redact)} after ${Date.now() - started} ms`,
        );
        stepLog.stderr(stderr);
      }
      return { result, stderr };
    } finally {
      await stepLog?.closeHandlerFile();
      if (scratch) await removeScratchFolder(scratch);
    }
  }
}

/** Room for a result frame's own text around the StepResult it carries, in bytes. */
const RESULT_FRAME_BYTES = 64;
