import { constants, type ReadStream } from 'node:fs';
import { lstat, open, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlowRunState, RunLogContentResponse, RunLogFileEntry } from '@tempo/contracts';
import { readTail } from '../logging/index.ts';
import { RunLogErrors } from './run-log-errors.ts';
import { parseAttemptFolder, parseRunLogPath, RUN_FOLDER, RUN_LOG_FILE } from './run-log-layout.ts';
import { type RunLogManifest, readManifest } from './run-log-manifest.ts';
import { checkRunLogPath, resolveInsideRun } from './run-log-path.ts';

/** The read limits of `runLogs`. */
export interface RunLogReadLimits {
  readonly defaultTailLines: number;
  readonly maxTailLines: number;
  readonly defaultMaxBytes: number;
  readonly maxReadBytes: number;
}

/** What a {@link RunLogReader} reads. */
export interface RunLogReaderOptions {
  /** `runLogs.rootPath`, absolute. */
  readonly rootPath: string;
  readonly limits: RunLogReadLimits;
}

/** The run whose logs are read, as its row says: the caller has checked the tenant already. */
export interface RunLogRunView {
  readonly id: string;
  readonly state: FlowRunState;
  /** The run's current (or final) attempt. */
  readonly runAssignmentId: string | null;
  /** The worker of that attempt; names it when the run's folder has no manifest. */
  readonly assignedWorkerId?: string | null;
}

/** A whole file to send. */
export interface RunLogDownload {
  readonly entry: RunLogFileEntry;
  readonly stream: ReadStream;
}

const isLive = (state: FlowRunState) => state === 'Queued' || state === 'Running';

const clamp = (value: number | undefined, fallback: number, max: number) =>
  Math.min(max, Math.max(1, Math.trunc(value ?? fallback)));

/**
 * Reads and deletes the files of one run's folder: the list with what each file is, a bounded
 * tail, the whole file as a stream, one file, or all of them. Every path a client names is
 * checked ({@link checkRunLogPath}) and resolved inside the run's folder with links followed
 * ({@link resolveInsideRun}); only the log files of the layout are served.
 */
export class RunLogReader {
  readonly #options: RunLogReaderOptions;

  constructor(options: RunLogReaderOptions) {
    this.#options = options;
  }

  /** The run's folder; null for an id that is not a run's. */
  #folderOf(runId: string): string | null {
    return RUN_FOLDER.test(runId) ? join(this.#options.rootPath, runId) : null;
  }

  /** The run's log files: `run.log` first, then each attempt's, in order. */
  async list(run: RunLogRunView): Promise<RunLogFileEntry[]> {
    const folder = this.#folderOf(run.id);
    if (!folder) return [];
    const top = await readdir(folder, { withFileTypes: true }).catch(() => []);
    const manifest = await readManifest(folder);
    const paths: string[][] = [];
    // Dirents describe links as links: only real files and folders are listed.
    if (top.some((entry) => entry.isFile() && entry.name === RUN_LOG_FILE)) paths.push([RUN_LOG_FILE]);
    const attempts = top
      .filter((entry) => entry.isDirectory() && parseAttemptFolder(entry.name))
      .map((entry) => entry.name)
      .sort();
    for (const attempt of attempts) {
      const files = await readdir(join(folder, attempt), { withFileTypes: true }).catch(() => []);
      for (const file of files.filter((entry) => entry.isFile()).sort((a, b) => a.name.localeCompare(b.name)))
        paths.push([attempt, file.name]);
    }
    const entries: RunLogFileEntry[] = [];
    for (const segments of paths) {
      const entry = await this.#entryOf(run, folder, segments, manifest);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /** The last lines of one file, within the clamped limits. */
  async content(
    run: RunLogRunView,
    path: string,
    query: { readonly tailLines?: number | undefined; readonly maxBytes?: number | undefined },
  ): Promise<RunLogContentResponse> {
    const { limits } = this.#options;
    const tailLines = clamp(query.tailLines, limits.defaultTailLines, limits.maxTailLines);
    const maxBytes = clamp(query.maxBytes, limits.defaultMaxBytes, limits.maxReadBytes);
    const { entry, real } = await this.#resolve(run, path);
    const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const tail = await readTail(handle, { maxLines: tailLines, maxBytes });
      return {
        ...entry,
        byteLength: tail.fileByteLength,
        contentType: 'text/plain; charset=utf-8',
        content: tail.content,
        truncated: tail.truncated,
        tailLines,
        maxBytes,
        returnedByteLength: tail.returnedByteLength,
      };
    } finally {
      await handle.close();
    }
  }

  /** One whole file as a stream; never read into memory. */
  async download(run: RunLogRunView, path: string): Promise<RunLogDownload> {
    const { entry, real } = await this.#resolve(run, path);
    const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    return { entry, stream: handle.createReadStream() };
  }

  /** Deletes one file; refused (409) while it is active. */
  async deleteFile(run: RunLogRunView, path: string): Promise<void> {
    const { entry, real } = await this.#resolve(run, path);
    if (entry.active) throw RunLogErrors.activeFile(run.id, entry.path);
    await unlink(real).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Deletes the run's whole folder; only once the run has ended (409 before). */
  async deleteAll(run: RunLogRunView): Promise<void> {
    if (isLive(run.state)) throw RunLogErrors.runNotEnded(run.id, run.state);
    const folder = this.#folderOf(run.id);
    if (folder) await rm(folder, { recursive: true, force: true, maxRetries: 3 });
  }

  async #resolve(run: RunLogRunView, path: string): Promise<{ entry: RunLogFileEntry; real: string }> {
    const segments = checkRunLogPath(path);
    const folder = this.#folderOf(run.id);
    if (!folder || !parseRunLogPath(segments)) throw RunLogErrors.fileNotFound(run.id, path);
    const real = await resolveInsideRun(folder, segments);
    if (!real) throw RunLogErrors.fileNotFound(run.id, path);
    const entry = await this.#entryOf(run, folder, segments, await readManifest(folder));
    if (!entry) throw RunLogErrors.fileNotFound(run.id, path);
    return { entry, real };
  }

  async #entryOf(
    run: RunLogRunView,
    folder: string,
    segments: readonly string[],
    manifest: RunLogManifest | null,
  ): Promise<RunLogFileEntry | null> {
    const info = parseRunLogPath(segments);
    if (!info) return null;
    const path = segments.join('/');
    let size: number;
    let modified: Date;
    try {
      const stats = await lstat(join(folder, ...segments));
      if (!stats.isFile()) return null;
      size = stats.size;
      modified = stats.mtime;
    } catch {
      return null;
    }
    const workerId =
      manifest?.attempts.find((item) => item.runAssignmentId === info.runAssignmentId)?.workerId ??
      (info.runAssignmentId && info.runAssignmentId === run.runAssignmentId ? run.assignedWorkerId : null);
    const step = manifest?.steps.find((item) => item.stepRunId === info.stepRunId);
    const active =
      isLive(run.state) &&
      (info.kind === 'Run' || run.runAssignmentId === null || info.runAssignmentId === run.runAssignmentId);
    return {
      flowRunId: run.id,
      path,
      fileName: segments[segments.length - 1] as string,
      kind: info.kind,
      ...(info.attemptNumber !== undefined ? { attemptNumber: info.attemptNumber } : {}),
      ...(info.runAssignmentId ? { runAssignmentId: info.runAssignmentId } : {}),
      ...(workerId ? { workerId } : {}),
      ...(info.stepRunId ? { stepId: step?.stepId ?? (info.stepKeyInName as string) } : {}),
      ...(info.stepRunId ? { stepRunId: info.stepRunId } : {}),
      byteLength: size,
      lastModifiedUtc: modified.toISOString(),
      active,
      deleteAllowed: !active,
      downloadAllowed: true,
      deleteMode: 'Delete',
    };
  }
}
