import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { RunLogErrors } from './run-log-errors.ts';

/** Longest run-relative path accepted, in characters. */
const MAX_PATH_LENGTH = 512;

/**
 * Checks a run-relative path as a client sent it and answers its segments. Refused with a 400:
 * empty, absolute (`/x`, `C:`), backslashes, NUL and other control characters, `.` or `..`
 * segments, empty segments, and percent-encoding of any of these (a path arrives decoded once
 * already, so a `%` left in it is a second encoding, which no file of the layout needs).
 */
export const checkRunLogPath = (path: string): string[] => {
  const refuse = (why: string) => RunLogErrors.badPath(path, why);
  if (path === '' || path.length > MAX_PATH_LENGTH)
    throw refuse(`must be 1 to ${MAX_PATH_LENGTH} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(path)) throw refuse('must not hold control characters');
  if (path.includes('\\')) throw refuse('must use forward slashes');
  if (path.includes('%')) throw refuse('must not be percent-encoded twice');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || isAbsolute(path)) throw refuse('must be relative');
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..')
      throw refuse('must not hold empty, "." or ".." segments');
  }
  return segments;
};

/** Whether `path` is `folder` or lies below it (both already absolute and resolved). */
export const isInsideFolder = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * The real path of a checked run-relative path inside a run's folder: every link resolved, and
 * refused (400) when that leaves the folder, so a link planted in a run's folder cannot reach
 * another run's files or the server's. Null when the file does not exist; the file must be a
 * regular file.
 */
export const resolveInsideRun = async (
  runFolder: string,
  segments: readonly string[],
): Promise<string | null> => {
  let realFolder: string;
  try {
    realFolder = await realpath(runFolder);
  } catch {
    return null;
  }
  let target: string;
  try {
    target = await realpath(join(realFolder, ...segments));
  } catch {
    return null;
  }
  if (!isInsideFolder(realFolder, target) || target === realFolder)
    throw RunLogErrors.badPath(segments.join('/'), 'leaves the run folder');
  const info = await lstat(target);
  return info.isFile() ? target : null;
};
