import { z } from 'zod';
import { UtcTimestamp } from './common.ts';

/** Whose service log a source holds: the server's own (`server`) or one worker's (`worker`). */
export const LogSourceKind = z.enum(['server', 'worker']);
export type LogSourceKind = z.infer<typeof LogSourceKind>;

/** What deleting a log file does: the current file is emptied (`Truncate`), an archived one removed (`Delete`). */
export const LogDeleteMode = z.enum(['Truncate', 'Delete']);
export type LogDeleteMode = z.infer<typeof LogDeleteMode>;

/** One source of service logs (`GET /v1.0/logs/sources`, a bare array). */
export const LogSourceRecord = z.object({
  sourceKind: LogSourceKind,
  /** `server` for the server, the worker id for a worker. */
  sourceId: z.string(),
  /** The worker's name, or the server's. */
  displayName: z.string(),
  /** Whether the source's log folder exists and can be read. */
  available: z.boolean(),
  /** Whether the folder holds at least one log file. */
  hasFiles: z.boolean(),
  /** Log files in the folder. */
  fileCount: z.number().int(),
  /** False for a blocked worker, or a folder no registered worker owns. */
  enabled: z.boolean(),
  /** Whether the process is running now (the server always; a worker while `Online`). */
  active: z.boolean(),
  /** `Online` or `Offline`. */
  state: z.string(),
  hostName: z.string().nullable(),
  /** When the newest log file changed; null when there is none. */
  lastModifiedUtc: UtcTimestamp.nullable(),
});
export type LogSourceRecord = z.infer<typeof LogSourceRecord>;

/** `?sourceKind=&sourceId=` of the log file routes. */
export const LogSourceQuery = z.object({
  sourceKind: LogSourceKind,
  sourceId: z.string().min(1, 'sourceId is required.').max(128),
});
export type LogSourceQuery = z.infer<typeof LogSourceQuery>;

/** `?sourceKind=&sourceId=&path=`: one file of a source, `path` relative to the source's folder. */
export const LogFileQuery = LogSourceQuery.extend({
  path: z.string().min(1, 'path is required.').max(512),
});
export type LogFileQuery = z.infer<typeof LogFileQuery>;

/**
 * `GET /v1.0/logs/files/content`: a bounded tail. Values past the `logViewer` limits are clamped
 * to them, not refused; absent ones take `logViewer.defaultTailLines` / `defaultMaxBytes`.
 */
export const LogFileContentQuery = LogFileQuery.extend({
  /** Last lines returned; default `logViewer.defaultTailLines`, at most `maxTailLines`. */
  tailLines: z.coerce.number().int().optional(),
  /** Bytes read from the end of the file; default `logViewer.defaultMaxBytes`, at most `maxReadBytes`. */
  maxBytes: z.coerce.number().int().optional(),
  /** Keep only lines holding this text (ignoring case), among the bytes read. */
  filter: z.string().max(256).optional(),
});
export type LogFileContentQuery = z.infer<typeof LogFileContentQuery>;

/** One log file of a source (`GET /v1.0/logs/files`, a bare array). */
export const LogFileRecord = z.object({
  sourceKind: LogSourceKind,
  sourceId: z.string(),
  /** Relative to the source's folder; what the other file routes take as `path`. */
  path: z.string(),
  fileName: z.string(),
  byteLength: z.number().int(),
  lastModifiedUtc: UtcTimestamp,
  /** The file the process writes to now. */
  isCurrent: z.boolean(),
  /** Whether the source's process is running. */
  sourceActive: z.boolean(),
  /** Whether the server may truncate or delete it (false on a read-only mount). */
  deleteAllowed: z.boolean(),
  downloadAllowed: z.boolean(),
  deleteMode: LogDeleteMode,
});
export type LogFileRecord = z.infer<typeof LogFileRecord>;

/** The bounded tail of a log file, as text (never parsed). */
export const LogFileContent = LogFileRecord.extend({
  /** Always `text/plain; charset=utf-8`. */
  contentType: z.string(),
  content: z.string(),
  /** True when the file holds more than `content` (older bytes or lines left out). */
  truncated: z.boolean(),
  /** The line limit applied, after clamping. */
  tailLines: z.number().int(),
  /** The byte limit applied, after clamping. */
  maxBytes: z.number().int(),
  /** UTF-8 bytes in `content`. */
  returnedByteLength: z.number().int(),
});
export type LogFileContent = z.infer<typeof LogFileContent>;

/** `DELETE /v1.0/logs/files/content`: what was done. */
export const LogFileDeleteResult = z.object({
  sourceKind: LogSourceKind,
  sourceId: z.string(),
  path: z.string(),
  deleteMode: LogDeleteMode,
  /** Bytes the file held before. */
  removedByteLength: z.number().int(),
});
export type LogFileDeleteResult = z.infer<typeof LogFileDeleteResult>;
