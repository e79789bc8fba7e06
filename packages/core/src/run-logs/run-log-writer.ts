import { appendFileSync, mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FlowRunState } from '@tempo/contracts';
import type { RuntimeProvider, RuntimeProviders } from '../engine/runtime-provider.ts';
import type { Logger } from '../logging/index.ts';
import { RunLogBudget } from './run-log-budget.ts';
import { RunLogFlusher } from './run-log-flusher.ts';
import {
  attemptFolderName,
  HOST_LOG_FILE,
  RUN_LOG_FILE,
  stepFileName,
  WORKER_LOG_FILE,
} from './run-log-layout.ts';
import { type RunLogManifest, writeManifestSync } from './run-log-manifest.ts';
import { StepLog } from './step-log.ts';
import { runWithStepLog, type StepLogTarget } from './step-log-scope.ts';

/** What a {@link RunLogWriter} writes under. */
export interface RunLogWriterOptions {
  /** `runLogs.rootPath`, absolute. */
  readonly rootPath: string;
  /** `runLogs.maxBytesPerRun`. */
  readonly maxBytesPerRun: number;
  /** Where a failure to write is reported, once per run. */
  readonly log: Logger;
}

/** The run a log is opened for. */
export interface RunLogRun {
  readonly runId: string;
  readonly tenantId: string;
  readonly dataFlowId: string;
  /** When the run was accepted (queued); null where it is not known (a worker gets only the plan). */
  readonly createdUtc: string | null;
}

/** The attempt that executes the run here. */
export interface RunLogAttempt {
  readonly attemptNumber: number;
  readonly runAssignmentId: string;
  readonly workerId: string;
}

/** A step as the engine reported it once it ended. */
export interface RunLogStepEnd {
  readonly stepRunId: string;
  readonly stepId: string;
  readonly sequence: number;
  readonly result: string;
  readonly errorMessage: string | null;
  readonly startedUtc: string;
  readonly completedUtc: string;
}

/** How the run ended, for its last lines. */
export interface RunLogEnd {
  readonly state: Exclude<FlowRunState, 'Queued' | 'Running'>;
  readonly errorMessage: string | null;
  readonly steps: number;
}

/** Buffered bytes of a run that trigger a write before the next tick of the timer. */
const FLUSH_BYTES = 64 * 1024;
/** How long a line may wait in memory while the run goes on. */
const FLUSH_INTERVAL_MS = 1000;
/** Longest engine line kept; an error message can be long. */
const MAX_LINE_CHARS = 4096;
/** Runtimes whose steps run inside the executing process: nothing of theirs is logged but the engine's lines. */
const IN_PROCESS_RUNTIMES: ReadonlySet<string> = new Set(['Builtin.Class', 'Builtin.Method']);

/**
 * Opens the log of each run that executes in this process and keeps track of those still being
 * written, so a reader can wait for a run's last lines before it deletes them. Independent of
 * the server and the database: a worker daemon builds one over its own settings.
 */
export class RunLogWriter {
  readonly #options: RunLogWriterOptions;
  readonly #writing = new Map<string, Promise<void>>();
  /** One per process: every run's batches go through it. */
  readonly #flusher = new RunLogFlusher();

  constructor(options: RunLogWriterOptions) {
    this.#options = options;
  }

  /** `runLogs.rootPath`. */
  get rootPath(): string {
    return this.#options.rootPath;
  }

  /** Opens the log of a run's attempt and writes that the run was accepted and started. */
  open(run: RunLogRun, attempt: RunLogAttempt): RunLog {
    let done: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.#writing.set(run.runId, settled);
    return new RunLog(this.#options, this.#flusher, run, attempt, () => {
      if (this.#writing.get(run.runId) === settled) this.#writing.delete(run.runId);
      done();
    });
  }

  /** Whether a run's log is open in this process. */
  isWriting(runId: string): boolean {
    return this.#writing.has(runId);
  }

  /** Resolves once a run's log, if open here, is closed and written. */
  settled(runId: string): Promise<void> {
    return this.#writing.get(runId) ?? Promise.resolve();
  }
}

/**
 * The log of one run's attempt. Lines are kept in memory and handed in batches (at
 * {@link FLUSH_BYTES}, after {@link FLUSH_INTERVAL_MS}, and at the end) to the process's
 * {@link RunLogFlusher}, so a short run costs one write per file, written after the turn that
 * ended it; the attempt's cap bounds what is kept. A write that fails is reported once and the
 * run's logging goes quiet: logging never fails or slows a run.
 */
export class RunLog {
  readonly #options: RunLogWriterOptions;
  readonly #flusher: RunLogFlusher;
  readonly #run: RunLogRun;
  readonly #attempt: RunLogAttempt;
  readonly #onClosed: () => void;
  readonly #runFolder: string;
  readonly #attemptPath: string;
  readonly #budget: RunLogBudget;
  readonly #manifest: RunLogManifest;
  readonly #madeFolders = new Set<string>();
  #pending = new Map<string, string[]>();
  #pendingBytes = 0;
  /**
   * The manifest is written only when it says more than the run's row does: once a step file
   * exists (its execution key), or for a later attempt (the earlier attempts' workers). A run of
   * built-in steps on its first attempt costs no manifest write.
   */
  #manifestDirty: boolean;
  /**
   * True while the log holds only lines the run's rows say too: every step ran in-process, on
   * the first attempt, with no host event, and nothing was due on disk before the end. Such a log
   * is never written (see {@link close}), so its lines are kept unformatted in {@link #deferred}
   * until {@link #keepOnDisk} says they will be.
   */
  #onlyRowFacts: boolean;
  #deferred: { readonly path: string; readonly atMs: number; readonly text: string }[] = [];
  /** Settles once the last batch handed to the flusher is written (or given up). */
  #written: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #failed = false;
  #closed = false;
  #lastSequence = 0;
  readonly #startedMs = Date.now();

  constructor(
    options: RunLogWriterOptions,
    flusher: RunLogFlusher,
    run: RunLogRun,
    attempt: RunLogAttempt,
    onClosed: () => void,
  ) {
    this.#options = options;
    this.#flusher = flusher;
    this.#run = run;
    this.#attempt = attempt;
    this.#onClosed = onClosed;
    this.#runFolder = join(options.rootPath, run.runId);
    this.#attemptPath = attemptFolderName(attempt.attemptNumber, attempt.runAssignmentId);
    this.#budget = new RunLogBudget(options.maxBytesPerRun);
    this.#manifestDirty = attempt.attemptNumber > 1;
    this.#onlyRowFacts = attempt.attemptNumber === 1;
    this.#manifest = {
      flowRunId: run.runId,
      tenantId: run.tenantId,
      dataFlowId: run.dataFlowId,
      attempts: [{ ...attempt, path: this.#attemptPath }],
      steps: [],
      updatedUtc: new Date().toISOString(),
    };
    const started = `run started: attempt ${attempt.attemptNumber} (${attempt.runAssignmentId}) on ${attempt.workerId}`;
    if (run.createdUtc === null) {
      this.runEvent(`run assigned (flow ${run.dataFlowId}, tenant ${run.tenantId})`);
      this.runEvent(started);
    } else {
      const waitedMs = Math.max(0, this.#startedMs - Date.parse(run.createdUtc));
      this.runEvent(`run accepted at ${run.createdUtc} (flow ${run.dataFlowId}, tenant ${run.tenantId})`);
      this.runEvent(`${started} after ${waitedMs} ms in the queue`);
    }
    this.workerEvent(`assignment ${attempt.runAssignmentId} started for run ${run.runId}`);
  }

  /** The run's folder, absolute. */
  get folder(): string {
    return this.#runFolder;
  }

  /** A line of `run.log`. */
  runEvent(text: string): void {
    this.#append(RUN_LOG_FILE, text);
  }

  /** A line of the attempt's `worker.log`. */
  workerEvent(text: string): void {
    this.#append(`${this.#attemptPath}/${WORKER_LOG_FILE}`, text);
  }

  /** A line of the attempt's `host.log`. */
  hostEvent(text: string): void {
    this.#keepOnDisk();
    this.#append(`${this.#attemptPath}/${HOST_LOG_FILE}`, text);
  }

  /**
   * `providers`, each call entering its step's log scope (see `currentStepLog`) and noting
   * that the step started.
   */
  providers(providers: RuntimeProviders): RuntimeProviders {
    const wrapped = new Map<RuntimeProvider['runtimeKey'], RuntimeProvider>();
    for (const [key, provider] of providers) {
      const inProcess = IN_PROCESS_RUNTIMES.has(provider.runtimeKey);
      wrapped.set(key, {
        runtimeKey: provider.runtimeKey,
        execute: (invocation) => {
          if (!inProcess) this.#keepOnDisk();
          return runWithStepLog(
            this.stepStarted(invocation.request.stepRunId, invocation.step.executionKey),
            () => provider.execute(invocation),
          );
        },
      });
    }
    return wrapped;
  }

  /** Notes that a step started and answers its log. */
  stepStarted(stepRunId: string, stepId: string): StepLogTarget {
    // The engine reports each step before it starts the next, so this one's number follows.
    const sequence = this.#lastSequence + 1;
    this.workerEvent(`step ${sequence} "${stepId}" (${stepRunId}) started`);
    const logPath = `${this.#attemptPath}/${stepFileName(sequence, stepRunId, stepId, 'log')}`;
    const stderrPath = `${this.#attemptPath}/${stepFileName(sequence, stepRunId, stepId, 'stderr')}`;
    return new StepLog({
      flowRunId: this.#run.runId,
      runAssignmentId: this.#attempt.runAssignmentId,
      workerId: this.#attempt.workerId,
      stepRunId,
      stepId,
      budget: this.#budget,
      logFile: join(this.#runFolder, logPath),
      canWrite: () => !this.#failed && !this.#closed,
      onOpened: async () => {
        this.#keepOnDisk();
        await this.#ensureFolder(join(this.#runFolder, this.#attemptPath));
        this.#manifest.steps.push({
          stepRunId,
          stepId,
          sequence,
          attemptNumber: this.#attempt.attemptNumber,
          path: logPath,
          stderrPath,
        });
        this.#manifestDirty = true;
      },
      onFailure: (error) => this.#fail(error),
      stderr: (text) => {
        this.#keepOnDisk();
        this.#appendRaw(stderrPath, text);
      },
      hostEvent: (text) => this.hostEvent(`step ${sequence} "${stepId}": ${text}`),
    });
  }

  /** Notes how a step ended, in the attempt's log and in the step's own file when it has one. */
  stepEnded(step: RunLogStepEnd): void {
    this.#lastSequence = step.sequence;
    const durationMs = Math.max(0, Date.parse(step.completedUtc) - Date.parse(step.startedUtc));
    const line = `step ${step.sequence} "${step.stepId}" (${step.stepRunId}) ended ${step.result} in ${durationMs} ms${
      step.errorMessage ? `: ${step.errorMessage}` : ''
    }`;
    this.workerEvent(line);
    const own = this.#manifest.steps.find((entry) => entry.stepRunId === step.stepRunId);
    if (own) this.#append(own.path, line);
  }

  /**
   * Writes the run's end and closes its files; resolves once everything is written (or given up).
   * A run that ended before any of its lines were written, on its first attempt, with only
   * in-process steps, writes no files at all: its run, attempt and step-run rows already hold
   * every fact its `run.log` and `worker.log` would (when it was accepted and started, each step's
   * result and times, how it ended), and a folder and two files per run cost a trigger call
   * more CPU than the rest of its work.
   */
  close(end: RunLogEnd): Promise<void> {
    if (this.#closed) return this.#written;
    if (this.#onlyRowFacts) {
      this.#closed = true;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#deferred = [];
      this.#onClosed();
      return this.#written;
    }
    const tookMs = Date.now() - this.#startedMs;
    const error = end.errorMessage ? `: ${end.errorMessage}` : '';
    this.workerEvent(`assignment ${this.#attempt.runAssignmentId} ended ${end.state}`);
    this.runEvent(`run ended ${end.state} after ${tookMs} ms and ${end.steps} step(s)${error}`);
    this.#closed = true;
    return this.#flush().finally(this.#onClosed);
  }

  #append(relativePath: string, text: string): void {
    if (this.#failed || this.#closed) return;
    if (this.#onlyRowFacts) {
      this.#deferred.push({ path: relativePath, atMs: Date.now(), text });
      this.#timer ??= setTimeout(() => void this.#flush(), FLUSH_INTERVAL_MS).unref();
      return;
    }
    this.#appendLine(relativePath, Date.now(), text);
  }

  #appendLine(relativePath: string, atMs: number, text: string): void {
    const line = text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text;
    this.#appendRaw(relativePath, `${new Date(atMs).toISOString()} ${line.replace(/\r?\n/g, ' ')}\n`);
  }

  /** From now on the run's log goes to disk, with the lines kept back so far first. */
  #keepOnDisk(): void {
    if (!this.#onlyRowFacts) return;
    this.#onlyRowFacts = false;
    for (const { path, atMs, text } of this.#deferred.splice(0)) this.#appendLine(path, atMs, text);
  }

  #appendRaw(relativePath: string, text: string): void {
    if (this.#failed || this.#closed || text === '') return;
    const grant = this.#budget.take(Buffer.byteLength(text));
    if (grant.kind === 'none') return;
    const written = grant.kind === 'marker' ? grant.marker : text;
    const chunks = this.#pending.get(relativePath);
    if (chunks) chunks.push(written);
    else this.#pending.set(relativePath, [written]);
    this.#pendingBytes += written.length;
    if (this.#pendingBytes >= FLUSH_BYTES) void this.#flush();
    else this.#timer ??= setTimeout(() => void this.#flush(), FLUSH_INTERVAL_MS).unref();
  }

  #flush(): Promise<void> {
    // Still running when its lines are due: the run is logged on disk.
    this.#keepOnDisk();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = new Map();
    this.#pendingBytes = 0;
    const manifest = this.#manifestDirty ? { ...this.#manifest, updatedUtc: new Date().toISOString() } : null;
    this.#manifestDirty = false;
    if (batch.size === 0 && !manifest) return this.#written;
    // The flusher writes its jobs in order: this one settles after every earlier batch of the run.
    this.#written = new Promise((resolve) => {
      this.#flusher.enqueue({
        bytes,
        write: () => {
          try {
            this.#write(batch, manifest);
          } catch (error) {
            this.#fail(error);
          }
          resolve();
        },
      });
    });
    return this.#written;
  }

  #write(batch: ReadonlyMap<string, string[]>, manifest: RunLogManifest | null): void {
    if (this.#failed) return;
    for (const [relativePath, chunks] of batch) {
      if (relativePath === RUN_LOG_FILE) continue;
      const path = join(this.#runFolder, relativePath);
      this.#ensureFolderSync(dirname(path));
      appendFileSync(path, chunks.join(''));
    }
    this.#ensureFolderSync(this.#runFolder);
    if (manifest) writeManifestSync(this.#runFolder, { ...manifest, steps: [...manifest.steps] });
    // `run.log` last: once it says the run ended, every other file of the run is written.
    const runLines = batch.get(RUN_LOG_FILE);
    if (runLines) appendFileSync(join(this.#runFolder, RUN_LOG_FILE), runLines.join(''));
  }

  #ensureFolderSync(folder: string): void {
    if (this.#madeFolders.has(folder)) return;
    mkdirSync(folder, { recursive: true });
    this.#folderMade(folder);
  }

  /** Makes a folder off the event loop: a step's folder is made before its handler starts. */
  async #ensureFolder(folder: string): Promise<void> {
    if (this.#madeFolders.has(folder)) return;
    await mkdir(folder, { recursive: true });
    this.#folderMade(folder);
  }

  #folderMade(folder: string): void {
    this.#madeFolders.add(folder);
    // The attempt's folder is below the run's: both exist once it does.
    this.#madeFolders.add(dirname(folder));
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#pending.clear();
    this.#pendingBytes = 0;
    this.#options.log.warn(
      { err: error, runId: this.#run.runId },
      'run log could not be written; no more of this run is logged',
    );
  }
}
