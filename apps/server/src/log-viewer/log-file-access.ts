import { constants } from 'node:fs';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type {
  LogFileContent,
  LogFileContentQuery,
  LogFileDeleteResult,
  LogFileQuery,
  LogFileRecord,
} from '@tempo/contracts';
import { readTail } from '@tempo/core/logging';
import { containedFile, safeRelativeSegments } from './log-paths.ts';
import { type LogViewerDependencies, listSourceFiles, resolveSource } from './log-sources.ts';
import { LogViewerErrors } from './log-viewer-errors.ts';

/** The content type of every log answer: logs are served as text, never parsed. */
export const LOG_CONTENT_TYPE = 'text/plain; charset=utf-8';

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** A listed file of a source with its checked real path. */
interface LocatedFile {
  readonly record: LogFileRecord;
  readonly realPath: string;
}

/**
 * The file a request names: the path checked as text, then proven to be a regular file inside
 * the source's folder (no link on the way, real path below the root), then found among the
 * source's listed log files. Anything else is a 400 (unsafe) or a 404 (not a log file here).
 */
const locate = async (deps: LogViewerDependencies, query: LogFileQuery): Promise<LocatedFile> => {
  const segments = safeRelativeSegments(query.path);
  const source = await resolveSource(deps, query.sourceKind, query.sourceId);
  const realPath = await containedFile(source.folder, segments, query.path);
  const notFound = () => LogViewerErrors.unknownFile(query.sourceKind, query.sourceId, query.path);
  if (realPath === null) throw notFound();
  // Listed files are checked already; this covers a file put in place between list and open.
  if (await source.protectedPaths.covers(realPath)) throw notFound();
  const record = (await listSourceFiles(source)).find((file) => file.path === query.path);
  if (!record) throw notFound();
  return { record, realPath };
};

/** Opens without following a link, so a file swapped for one after the checks is still refused. */
const openNoFollow = async (located: LocatedFile, flags: number): Promise<FileHandle> => {
  try {
    return await open(located.realPath, flags | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw LogViewerErrors.unsafePath(located.record.path, 'it is a symbolic link');
    if (code === 'ENOENT') {
      const { sourceKind, sourceId, path } = located.record;
      throw LogViewerErrors.unknownFile(sourceKind, sourceId, path);
    }
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw LogViewerErrors.readOnly(located.record.path);
    throw error;
  }
};

/** The files of a source (`GET /v1.0/logs/files`). */
export const listLogFiles = async (
  deps: LogViewerDependencies,
  query: { readonly sourceKind: LogFileQuery['sourceKind']; readonly sourceId: string },
): Promise<LogFileRecord[]> => listSourceFiles(await resolveSource(deps, query.sourceKind, query.sourceId));

/**
 * The bounded tail of a log file: `tailLines` and `maxBytes` default to and are clamped by the
 * `logViewer` settings of the moment, and only that many bytes are read from the file's end.
 */
export const readLogFileContent = async (
  deps: LogViewerDependencies,
  query: LogFileContentQuery,
): Promise<LogFileContent> => {
  const located = await locate(deps, query);
  const limits = deps.settings().logViewer;
  const tailLines = clamp(query.tailLines ?? limits.defaultTailLines, 1, limits.maxTailLines);
  const maxBytes = clamp(query.maxBytes ?? limits.defaultMaxBytes, 1, limits.maxReadBytes);
  const file = await openNoFollow(located, constants.O_RDONLY);
  try {
    const tail = await readTail(file, { maxLines: tailLines, maxBytes, filter: query.filter });
    return {
      ...located.record,
      byteLength: tail.fileByteLength,
      contentType: LOG_CONTENT_TYPE,
      content: tail.content,
      truncated: tail.truncated,
      tailLines,
      maxBytes,
      returnedByteLength: tail.returnedByteLength,
    };
  } finally {
    await file.close();
  }
};

/** A whole log file to stream: the bytes it held when opened, so a growing log still ends. */
export interface LogFileDownload {
  readonly fileName: string;
  readonly byteLength: number;
  readonly stream: Readable | null;
}

/** Opens a log file for `GET /v1.0/logs/files/download`; the stream closes the file when done. */
export const openLogFileDownload = async (
  deps: LogViewerDependencies,
  query: LogFileQuery,
): Promise<LogFileDownload> => {
  const located = await locate(deps, query);
  const file = await openNoFollow(located, constants.O_RDONLY);
  const { size } = await file.stat();
  if (size === 0) {
    await file.close();
    return { fileName: located.record.fileName, byteLength: 0, stream: null };
  }
  return {
    fileName: located.record.fileName,
    byteLength: size,
    stream: file.createReadStream({ start: 0, end: size - 1, autoClose: true }),
  };
};

/**
 * `DELETE /v1.0/logs/files/content`: the current file is truncated to 0 bytes in place (the
 * process holding it open in append mode goes on writing from the start), an archived one is
 * removed.
 */
export const deleteLogFile = async (
  deps: LogViewerDependencies,
  query: LogFileQuery,
): Promise<LogFileDeleteResult> => {
  const located = await locate(deps, query);
  const { record } = located;
  if (!record.deleteAllowed) throw LogViewerErrors.readOnly(record.path);
  const result = {
    sourceKind: record.sourceKind,
    sourceId: record.sourceId,
    path: record.path,
    deleteMode: record.deleteMode,
    removedByteLength: record.byteLength,
  };
  if (record.deleteMode === 'Truncate') {
    const file = await openNoFollow(located, constants.O_WRONLY);
    try {
      await file.truncate(0);
    } finally {
      await file.close();
    }
    return result;
  }
  try {
    await unlink(located.realPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw LogViewerErrors.unknownFile(record.sourceKind, record.sourceId, record.path);
    throw LogViewerErrors.readOnly(record.path);
  }
  return result;
};
