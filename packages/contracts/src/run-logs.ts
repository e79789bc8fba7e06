import { z } from 'zod';
import { UtcTimestamp } from './common.ts';

/**
 * What a run-log file holds: the run's summary (`run.log`), an attempt's assignment events
 * (`worker.log`), host and runtime failures (`host.log`), a step's own log, or its captured stderr.
 */
export const RunLogFileKind = z.enum(['Run', 'Worker', 'Host', 'Step', 'StepStderr']);
export type RunLogFileKind = z.infer<typeof RunLogFileKind>;

/** What deleting a run-log file does; run logs are always removed whole. */
export const RunLogDeleteMode = z.enum(['Delete']);
export type RunLogDeleteMode = z.infer<typeof RunLogDeleteMode>;

/** One file of a run's logs (`GET …/runs/{id}/logs`, a bare array). */
export const RunLogFileEntry = z.object({
  flowRunId: z.string(),
  /** Relative to the run's folder (`run.log`, `attempt-001-ras_…/worker.log`); what the other routes take. */
  path: z.string(),
  fileName: z.string(),
  kind: RunLogFileKind,
  /** 1-based attempt the file belongs to; absent for `run.log`. */
  attemptNumber: z.number().int().optional(),
  runAssignmentId: z.string().optional(),
  workerId: z.string().optional(),
  /** The execution key of the step, for step files. */
  stepId: z.string().optional(),
  stepRunId: z.string().optional(),
  byteLength: z.number().int(),
  lastModifiedUtc: UtcTimestamp,
  /** Still written to: the run is queued or running and the file is its own or its current attempt's. */
  active: z.boolean(),
  deleteAllowed: z.boolean(),
  downloadAllowed: z.boolean(),
  deleteMode: RunLogDeleteMode,
});
export type RunLogFileEntry = z.infer<typeof RunLogFileEntry>;

/** `?path=`: one file of a run, relative to the run's folder. */
export const RunLogPathQuery = z.object({
  path: z.string().min(1, 'path is required.').max(512),
});
export type RunLogPathQuery = z.infer<typeof RunLogPathQuery>;

/**
 * `GET …/logs/content`: a bounded tail. Values past the `runLogs` limits are clamped to them, not
 * refused; absent ones take `runLogs.defaultTailLines` / `defaultMaxBytes`.
 */
export const RunLogContentQuery = RunLogPathQuery.extend({
  /** Last lines returned; default `runLogs.defaultTailLines`, at most `maxTailLines`. */
  tailLines: z.coerce.number().int().optional(),
  /** Bytes read from the end of the file; default `runLogs.defaultMaxBytes`, at most `maxReadBytes`. */
  maxBytes: z.coerce.number().int().optional(),
});
export type RunLogContentQuery = z.infer<typeof RunLogContentQuery>;

/** A bounded tail of one run-log file. */
export const RunLogContentResponse = RunLogFileEntry.extend({
  contentType: z.literal('text/plain; charset=utf-8'),
  /** The file's last lines, never more than `maxBytes` bytes of it. */
  content: z.string(),
  /** True when the file holds more than `content` shows. */
  truncated: z.boolean(),
  /** The line limit applied, after clamping. */
  tailLines: z.number().int(),
  /** The byte limit applied, after clamping. */
  maxBytes: z.number().int(),
  /** UTF-8 bytes of `content`. */
  returnedByteLength: z.number().int(),
});
export type RunLogContentResponse = z.infer<typeof RunLogContentResponse>;
