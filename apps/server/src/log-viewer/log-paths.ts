import { lstat, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { LogViewerErrors } from './log-viewer-errors.ts';

/**
 * A worker id as it may become a folder name: no separators, no `.`/`..`, nothing a shell or
 * another platform reads specially. Checked before the id is ever joined to a path.
 */
const WORKER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Whether a source id can name a worker's log folder. */
export const isSafeWorkerId = (sourceId: string): boolean =>
  WORKER_ID.test(sourceId) && !sourceId.includes('..');

/** Refuses a worker id that could not be a plain folder name under the worker-log root. */
export const assertSafeWorkerId = (sourceId: string): void => {
  if (!isSafeWorkerId(sourceId)) throw LogViewerErrors.badWorkerId(sourceId);
};

/**
 * Checks a client's `path` before it touches the file system: relative, `/`-separated, no empty,
 * `.` or `..` segment, no backslash, NUL or other control character, and no `%` (the query was
 * decoded once already; a `%` left over is a second encoding, the classic way around such checks).
 * @returns the path's segments.
 */
export const safeRelativeSegments = (path: string): string[] => {
  const refuse = (reason: string) => LogViewerErrors.unsafePath(path, reason);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(path)) throw refuse('it holds a control character');
  if (path.includes('\\')) throw refuse('it holds a backslash');
  if (path.includes('%')) throw refuse('it holds an encoded character');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw refuse('it is absolute');
  const segments = path.split('/');
  if (segments.some((segment) => segment === '..')) throw refuse('it leaves the source folder');
  if (segments.some((segment) => segment === '' || segment === '.')) throw refuse('it has an empty segment');
  return segments;
};

/** The extension every file the log viewer touches ends in, whatever the settings say. */
export const LOG_EXTENSION = '.log';

/**
 * Whether a file name is one of a log's files: the configured name (`tempo.log`) or a rolled one
 * beside it, the stem followed by digits (`tempo.3.log`, `tempo20250101.log`, `tempo20250101_001.log`)
 * and the same extension. Nothing else in the folder (settings, keys, databases) is ever served:
 * a name not ending in `.log` never matches, even when a settings file from before that rule, or a
 * variable, names the log `tempo.json`.
 */
export const logFileMatcher = (logFilename: string): ((fileName: string) => boolean) => {
  const extension = extname(logFilename);
  if (extension !== LOG_EXTENSION) return () => false;
  const stem = logFilename.slice(0, logFilename.length - extension.length);
  const quote = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${quote(stem)}(?:[._-]?\\d[\\d._-]*)?${quote(extension)}$`);
  return (fileName) => fileName.endsWith(LOG_EXTENSION) && pattern.test(fileName);
};

/** The number a rolled file carries (`tempo.12.log` → 12), or -1 for the unnumbered one. */
export const rollNumberOf = (fileName: string, logFilename: string): number => {
  const extension = extname(logFilename);
  const stem = logFilename.slice(0, logFilename.length - extension.length);
  const middle = fileName.slice(stem.length, fileName.length - extension.length);
  const digits = middle.replace(/\D/g, '');
  return digits === '' ? -1 : Number(digits);
};

/**
 * Resolves `segments` under `root` and proves the result is a regular file inside it: no segment
 * may be a symbolic link, and the real path must stay below the root's real path.
 * @returns the absolute path, or null when nothing is there.
 * @throws BadRequest for a link or a path that resolves outside the root.
 */
export const containedFile = async (root: string, segments: readonly string[], path: string) => {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return null;
  }
  let current = realRoot;
  for (const segment of segments) {
    current = join(current, segment);
    const info = await lstat(current).catch(() => null);
    if (info === null) return null;
    if (info.isSymbolicLink()) throw LogViewerErrors.unsafePath(path, 'it is a symbolic link');
  }
  const real = await realpath(current);
  if (!real.startsWith(realRoot + sep))
    throw LogViewerErrors.unsafePath(path, 'it resolves outside the source folder');
  const info = await lstat(real);
  return info.isFile() ? real : null;
};
