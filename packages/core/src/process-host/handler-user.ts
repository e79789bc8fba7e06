import { chmod, chown, lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The unprivileged user and group a hidden call's handler runs as. */
export interface HandlerUser {
  readonly uid: number;
  readonly gid: number;
}

/**
 * Reads `runtimes.externalExecution.handlerUser` (`uid:gid`, both decimal numbers). The settings
 * schema checks the same shape; this checks it again because a lax reading fails towards root
 * (`Number('')` is 0, so `"1000:"` would mean group 0).
 */
export const parseHandlerUser = (text: string): HandlerUser => {
  const match = /^(\d{1,10}):(\d{1,10})$/.exec(text);
  if (!match) {
    throw new Error(`runtimes.externalExecution.handlerUser must be "uid:gid" in numbers, not "${text}".`);
  }
  return { uid: Number(match[1]), gid: Number(match[2]) };
};

/** Read for all, and execute (search) for all where the owner may execute. */
const openMode = (mode: number, folder: boolean): number => {
  const bits = mode & 0o777;
  return folder || bits & 0o100 ? bits | 0o555 : bits | 0o444;
};

const openEntries = async (folder: string): Promise<void> => {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    // chmod follows links: a venv's `bin/python` would change the interpreter it names.
    // Stryker disable next-line ConditionalExpression: on Linux a link's own mode is 0777, already open, so it would not be changed either; the skip keeps that true elsewhere.
    if (entry.isSymbolicLink()) continue;
    const path = join(folder, entry.name);
    const info = await lstat(path);
    const isFolder = info.isDirectory();
    if (isFolder) await openEntries(path);
    const wanted = openMode(info.mode, isFolder);
    // Stryker disable next-line ConditionalExpression: setting the mode an entry already has changes nothing; the test saves the call.
    if (wanted !== (info.mode & 0o777)) await chmod(path, wanted);
  }
};

const isOpen = (mode: number) => (mode & 0o055) === 0o055;

/**
 * Makes a tree the server built (an unpacked package, a Python environment) readable by the
 * handler user: folders and executables `go+rx`, other files `go+r`; links are left alone. Its
 * root is changed last, so an open root says the whole tree is open. The folders above it stay
 * owner-only: inside a call's namespace only the call's own tree is put back where it was.
 */
export const openTreeToHandlers = async (root: string): Promise<void> => {
  await openEntries(root);
  const info = await stat(root);
  if (!isOpen(info.mode)) await chmod(root, openMode(info.mode, true));
};

/**
 * {@link openTreeToHandlers} for a tree that may have been built before handlers dropped to
 * their own user (owner-only modes): one `stat` when it is open already.
 */
export const ensureTreeOpenToHandlers = async (root: string): Promise<void> => {
  if (!isOpen((await stat(root)).mode)) await openTreeToHandlers(root);
};

/** Gives a call's scratch folder and what the host wrote into it (a shim) to the handler user. */
export const giveToHandlerUser = async (paths: readonly string[], user: HandlerUser): Promise<void> => {
  for (const path of paths) await chown(path, user.uid, user.gid);
};
