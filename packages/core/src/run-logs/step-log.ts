import { appendFile, open, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunLogBudget } from './run-log-budget.ts';
import type { HandlerLogFile, StepLogTarget } from './step-log-scope.ts';

/** How often a handler's log file is checked against the run's cap while the handler runs. */
export const HANDLER_FILE_CHECK_MS = 250;

/**
 * Blocks a file may hold past what it is allowed before it is cut back: room for the rounding
 * to whole blocks and the small preallocation file systems make for appends.
 */
const ALLOCATION_SLACK_BYTES = 1024 * 1024;

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
 * by counting writes: the file is checked every {@link HANDLER_FILE_CHECK_MS} while the handler
 * runs and once when it ends, counted against the run's shared budget at its size, and cut back
 * when it does not fit (ending with the truncation marker when it is the file that reached the
 * cap). Its allocated blocks are checked too: blocks reserved past the end of the file
 * (`fallocate` with keep-size) do not show in its size but hold disk all the same, so a file that
 * holds more blocks than it is allowed is truncated, which frees every block past its end. A
 * handler can therefore pass the cap only for one check interval, and what stays on disk is at
 * most the cap plus the marker.
 */
export class StepLog implements StepLogTarget {
  readonly flowRunId: string;
  readonly runAssignmentId: string;
  readonly workerId: string;
  readonly stepRunId: string;
  readonly stepId: string;
  readonly #options: StepLogOptions;
  #file: string | null = null;
  /** The size the file was cut to once it stopped fitting; null while it fits. */
  #cutSize: number | null = null;
  #watch: NodeJS.Timeout | null = null;
  #checking: Promise<void> | null = null;
  #reportedReservation = false;

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
      budget.observe(this, Buffer.byteLength(opening));
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
    this.#options.budget.release(this);
    this.#file = null;
  }

  stderr(text: string): void {
    if (text !== '') this.#options.stderr(text.endsWith('\n') ? text : `${text}\n`);
  }

  hostEvent(text: string): void {
    this.#options.hostEvent(text);
  }

  /** One check at a time; a check still running when the next tick comes is reused. */
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
      const { size, blocks } = await stat(file);
      const allocated = blocks * 512;
      if (this.#cutSize !== null) {
        // Whatever the handler wrote or reserved after the cut goes again.
        if (size > this.#cutSize || allocated > this.#cutSize + ALLOCATION_SLACK_BYTES)
          await this.#cut(file, this.#cutSize, null);
        return;
      }
      const verdict = this.#options.budget.observe(this, size);
      if (verdict.kind === 'cut') {
        await this.#cut(file, verdict.sizeBytes, verdict.marker);
        return;
      }
      if (allocated > verdict.roomBytes + ALLOCATION_SLACK_BYTES) await this.#freeReserved(file, allocated);
    } catch (error) {
      this.#options.onFailure(error);
    }
  }

  /**
   * Cuts the file to `sizeBytes` and writes `marker` there. Written at its place, not appended:
   * the handler may append between the calls, and whatever lands past the marker is cut by the
   * truncation that follows, which also frees any block reserved past the end.
   */
  async #cut(file: string, sizeBytes: number, marker: string | null): Promise<void> {
    const bytes = Buffer.from(marker === null ? '' : `\n${marker}`, 'utf8');
    const handle = await open(file, 'r+');
    try {
      if (bytes.length > 0) await handle.write(bytes, 0, bytes.length, sizeBytes);
      await handle.truncate(sizeBytes + bytes.length);
    } finally {
      await handle.close();
    }
    this.#cutSize = sizeBytes + bytes.length;
  }

  /**
   * Frees the blocks reserved past the file's end by truncating it to its own size, read again
   * on the open handle so lines appended meanwhile are kept.
   */
  async #freeReserved(file: string, allocated: number): Promise<void> {
    const handle = await open(file, 'r+');
    try {
      await handle.truncate((await handle.stat()).size);
    } finally {
      await handle.close();
    }
    if (this.#reportedReservation) return;
    this.#reportedReservation = true;
    this.hostEvent(
      `handler reserved ${allocated} bytes of disk for its log file, more than the run allows; the reservation was freed`,
    );
  }
}
