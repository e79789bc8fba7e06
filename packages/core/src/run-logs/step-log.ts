import { appendFile, open, realpath, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunLogBudget } from './run-log-budget.ts';
import type { HandlerLogFile, StepLogTarget } from './step-log-scope.ts';

/** How often a handler's log file is checked against the run's cap while the handler runs. */
export const HANDLER_FILE_CHECK_MS = 250;

/** What a {@link StepLog} is built from by its run's log. */
export interface StepLogOptions {
  readonly flowRunId: string;
  readonly runAssignmentId: string;
  readonly workerId: string;
  readonly stepRunId: string;
  readonly stepId: string;
  readonly budget: RunLogBudget;
  /** The step's log file, absolute. */
  readonly logFile: string;
  /** False once the run's logging failed or ended. */
  canWrite(): boolean;
  /** Makes the attempt's folder and records the step in the manifest. */
  onOpened(): Promise<void>;
  onFailure(error: unknown): void;
  stderr(text: string): void;
  hostEvent(text: string): void;
}

/**
 * One step's log. A handler appends to the step's file itself, so the run's cap cannot be kept
 * by counting writes: the file's size is checked every {@link HANDLER_FILE_CHECK_MS} while the
 * handler runs and once when it ends, and a file past what the run has left is cut back to it
 * and ends with the truncation marker. A handler can therefore pass the cap only for one check
 * interval's worth of writing, and what stays on disk is at most the cap plus the marker.
 */
export class StepLog implements StepLogTarget {
  readonly flowRunId: string;
  readonly runAssignmentId: string;
  readonly workerId: string;
  readonly stepRunId: string;
  readonly stepId: string;
  readonly #options: StepLogOptions;
  #file: string | null = null;
  /** Bytes the handler's file may reach before the marker. */
  #allowance = 0;
  /** The file's size once it ends with the marker; null while under the cap. */
  #markedSize: number | null = null;
  #watch: NodeJS.Timeout | null = null;
  #checking: Promise<void> | null = null;

  constructor(options: StepLogOptions) {
    this.#options = options;
    this.flowRunId = options.flowRunId;
    this.runAssignmentId = options.runAssignmentId;
    this.workerId = options.workerId;
    this.stepRunId = options.stepRunId;
    this.stepId = options.stepId;
  }

  async openHandlerFile(): Promise<HandlerLogFile | null> {
    const { budget } = this.#options;
    if (!this.#options.canWrite() || budget.exhausted || this.#file) return null;
    try {
      await this.#options.onOpened();
      const opening = `${new Date().toISOString()} step "${this.stepId}" (${this.stepRunId}) handler started; its log follows\n`;
      await appendFile(this.#options.logFile, opening);
      const file = await realpath(this.#options.logFile);
      this.#file = file;
      this.#allowance = budget.remainingBytes;
      this.#watch = setInterval(() => void this.#check(), HANDLER_FILE_CHECK_MS).unref();
      return { dir: dirname(file), file };
    } catch (error) {
      this.#options.onFailure(error);
      return null;
    }
  }

  async closeHandlerFile(): Promise<void> {
    const file = this.#file;
    if (!file) return;
    if (this.#watch) clearInterval(this.#watch);
    this.#watch = null;
    await this.#check();
    try {
      this.#options.budget.count((await stat(file)).size);
    } catch (error) {
      this.#options.onFailure(error);
    }
    this.#file = null;
  }

  stderr(text: string): void {
    if (text !== '') this.#options.stderr(text.endsWith('\n') ? text : `${text}\n`);
  }

  hostEvent(text: string): void {
    this.#options.hostEvent(text);
  }

  /** One size check at a time; a check still running when the next tick comes is reused. */
  #check(): Promise<void> {
    this.#checking ??= this.#enforceCap().finally(() => {
      this.#checking = null;
    });
    return this.#checking;
  }

  async #enforceCap(): Promise<void> {
    const file = this.#file;
    if (!file) return;
    try {
      const { size } = await stat(file);
      if (this.#markedSize !== null) {
        // Whatever the handler wrote after the marker goes again.
        if (size > this.#markedSize) await truncate(file, this.#markedSize);
        return;
      }
      if (size <= this.#allowance) return;
      const grant = this.#options.budget.exhaust();
      const marker = Buffer.from(grant.kind === 'marker' ? `\n${grant.marker}` : '', 'utf8');
      // Written at its place, not appended: the handler may append between the calls, and
      // whatever lands past the marker is cut by the truncation that follows.
      const handle = await open(file, 'r+');
      try {
        await handle.write(marker, 0, marker.length, this.#allowance);
        await handle.truncate(this.#allowance + marker.length);
      } finally {
        await handle.close();
      }
      this.#markedSize = this.#allowance + marker.length;
    } catch (error) {
      this.#options.onFailure(error);
    }
  }
}
