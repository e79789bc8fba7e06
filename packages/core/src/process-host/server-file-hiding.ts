import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { TempoSettings } from '@tempo/contracts';
import type { HandlerUser } from './handler-user.ts';

/**
 * The server's own files and folders a handler must not read: the database and its journal
 * files, the secrets key file, the folders they live in (the data folder, which holds the
 * settings file when the paths are relative to it), the artifact blobs, the unpacked packages of
 * every tenant, the scratch folders, the logs, the hydration file and the settings file itself
 * (which may live outside all of these). Absolute paths, as the settings hold them once loaded.
 */
export const serverFilePaths = (settings: TempoSettings, settingsFile?: string): string[] => {
  const { database, secrets, artifacts, runLogs, logging, logViewer, hydration, runtimes } = settings;
  const paths = [
    secrets.keyFile,
    dirname(secrets.keyFile),
    artifacts.rootPath,
    runLogs.rootPath,
    logging.logDirectory,
    logViewer.workerRootPath,
    runtimes.externalExecution.cacheRoot,
    runtimes.externalExecution.scratchRoot,
  ];
  if (database.type === 'Sqlite' && database.filename !== ':memory:') {
    const db = database.filename;
    paths.push(db, `${db}-wal`, `${db}-shm`, `${db}-journal`, dirname(db));
  }
  if (hydration.hydrationFile !== null) paths.push(hydration.hydrationFile);
  if (settingsFile !== undefined) paths.push(settingsFile);
  paths.push(...runtimes.externalExecution.hiddenHostPaths);
  return paths.map((path) => resolve(path));
};

/** One path a call sees in place, at the same absolute path, over the hidden ones. */
export interface HidingBind {
  readonly path: string;
  readonly writable: boolean;
  /** A single file rather than a folder (a step's run-log file). */
  readonly file?: boolean;
}

/** What one call hides and what it keeps, worked out by {@link planServerFileHiding}. */
export interface HidingPlan {
  /** Folders covered by an empty file system, outermost only. */
  readonly hiddenFolders: readonly string[];
  /** Files outside those folders, covered by `/dev/null`. */
  readonly hiddenFiles: readonly string[];
  /** Folders put back read-only or writable, after the hiding. */
  readonly binds: readonly HidingBind[];
  /** The folder the handler starts in, entered again once the mounts are made. */
  readonly cwd: string;
}

/** What {@link planServerFileHiding} needs for one call. */
export interface HidingRequest {
  /** Every server path to hide ({@link serverFilePaths}); paths that do not exist are left out. */
  readonly serverPaths: readonly string[];
  /** The command as resolved on the host. */
  readonly command: string;
  /** The handler's working folder: its package, or a host executable's folder. */
  readonly cwd: string;
  /** The call's scratch folder, kept writable. */
  readonly scratch: string;
  /**
   * Files put back writable alone, their folders staying hidden: the step's run-log file, the
   * only file of the run-log root a handler may see.
   */
  readonly writableFiles?: readonly string[];
}

const isInside = (folder: string, path: string) => {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

const kindOf = (path: string): 'folder' | 'file' | null => {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? 'folder' : stat.isFile() ? 'file' : null;
  } catch {
    return null;
  }
};

const real = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/**
 * A program's installation: the folder above its `bin` (or above a version manager's `shims`,
 * whose scripts run the manager's own files), else its own folder.
 */
const installationOf = (program: string) => {
  const folder = dirname(program);
  return folder.endsWith('/bin') || folder.endsWith('/shims') ? dirname(folder) : folder;
};

/**
 * The mounts of one call. The handler's folder and its program's installation, as named (a
 * Python virtual environment in the cache) and as resolved (the interpreter it links to, or a
 * runtime installed under the data folder), are put back read-only where they were, and the
 * scratch folder writable.
 */
export const planServerFileHiding = (request: HidingRequest): HidingPlan => {
  const existing = [...new Set(request.serverPaths.map((path) => real(path)))];
  const folders = existing.filter((path) => kindOf(path) === 'folder').sort((a, b) => a.length - b.length);
  const outermost = folders.filter((path, index) => !folders.slice(0, index).some((o) => isInside(o, path)));
  const hiddenFiles = existing.filter(
    (path) => kindOf(path) === 'file' && !outermost.some((folder) => isInside(folder, path)),
  );
  const hidden = (path: string) => outermost.some((folder) => isInside(folder, path));
  const cwd = real(request.cwd);
  const named = resolve(request.command);
  const inPlace = real(dirname(named)) + named.slice(dirname(named).length);
  // Outermost first: a folder bound after one inside it would cover that one again.
  const kept = [cwd, installationOf(inPlace), installationOf(real(named))].sort(
    (a, b) => a.length - b.length,
  );
  const binds: HidingBind[] = [];
  for (const path of kept) {
    if (hidden(path) && !binds.some((bind) => isInside(bind.path, path))) {
      binds.push({ path, writable: false });
    }
  }
  // Always bound in place, even when not hidden: every other mount is read-only by then.
  binds.push({ path: real(request.scratch), writable: true });
  for (const file of request.writableFiles ?? [])
    binds.push({ path: real(file), writable: true, file: true });
  return { hiddenFolders: outermost, hiddenFiles, binds, cwd };
};

/**
 * The most folders a call binds back: the shell holds each open on a descriptor from 3 to 8
 * while the folders above it are covered (9 holds the old `/dev`).
 */
const MAX_BINDS = 6;

/**
 * Runs in the call's own mount namespace as root, before the handler: makes every mount
 * read-only (with `handlerUser` 0:0 a handler keeps uid 0, which without capabilities can still
 * write the host's root-owned files and kernel settings), gives it an empty `/sys` and a `/dev` of the harmless
 * devices only (no disks, copied from the old `/dev` through a descriptor), opens the folders to keep, covers the server's folders with empty
 * file systems and its files with `/dev/null`, binds the kept folders back at their own paths,
 * then runs the handler as the handler user without any capability, so it can neither unmount
 * nor mount anything, nor read the root-owned files left in view. Folders made for the binds are
 * open to all (umask 022; the server's own is 077), or that user could not reach its package.
 * `--pdeathsig keep` puts back the kill-on-parent-death of `unshare --kill-child`, which the
 * kernel clears on the change of user. Arguments: setpriv, cwd, `uid:gid`, then `ro|rw PATH`
 * pairs (`rwf|rof` for a single file, made as an empty file where it is covered), `--`, `d|f PATH`
 * pairs, `--`, the command line.
 */
const HIDING_SCRIPT = `set -eu
setpriv=$1; cwd=$2; uid=\${3%%:*}; gid=\${3#*:}; shift 3
umask 022
handler_path=\${PATH-}
PATH=/usr/sbin:/usr/bin:/sbin:/bin
while read -r _ _ _ _ mp opts _; do
  case "$mp" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac
  case "$opts" in ro|ro,*) continue ;; esac
  case "$mp" in *\\\\*) echo "tempo: cannot make the mount $mp read-only" >&2; exit 125 ;; esac
  mount -n -o bind,remount,ro "$mp"
done < /proc/self/mountinfo
mount -n -o bind,remount,ro /proc
mount -n -t tmpfs -o ro,nosuid,nodev,noexec,size=4k,mode=0555 tempo-sys /sys
exec 9</dev
mount -n -t tmpfs -o nosuid,noexec,size=65536k,mode=0755 tempo-dev /dev
cd /proc/self/fd/9
cp -a null zero full random urandom tty fd stdin stdout stderr /dev/
cd /
exec 9<&-
mkdir -m 1777 /dev/shm
fd=3
while [ "$1" != -- ]; do
  eval "exec $fd<\\"\\$2\\""
  eval "mode$fd=\\$1 path$fd=\\$2"
  fd=$((fd + 1)); shift 2
done
shift
covers=0
while [ "$1" != -- ]; do
  if [ "$1" = d ] && [ -d "$2" ]; then
    mount -n -t tmpfs -o nosuid,nodev,size=1024k,mode=0755 tempo-hidden "$2"
    covers=$((covers + 1)); eval "cover$covers=\\$2"
  elif [ "$1" = f ] && [ -f "$2" ]; then
    mount -n --bind /dev/null "$2"
  fi
  shift 2
done
shift
i=3
while [ "$i" -lt "$fd" ]; do
  eval "mode=\\$mode$i path=\\$path$i"
  case "$mode" in
    *f) mode=\${mode%f}; mkdir -p "\${path%/*}"; [ -e "$path" ] || : > "$path" ;;
    *) mkdir -p "$path" ;;
  esac
  mount -n -c --bind "/proc/self/fd/$i" "$path"
  mount -n -c -o "bind,remount,$mode" "$path"
  eval "exec $i<&-"
  i=$((i + 1))
done
while [ "$covers" -gt 0 ]; do
  eval "mount -n -o bind,remount,ro \\"\\$cover$covers\\""
  covers=$((covers - 1))
done
cd "$cwd"
PATH=$handler_path
exec "$setpriv" --reuid="$uid" --regid="$gid" --clear-groups --pdeathsig keep \\
  --bounding-set=-all --inh-caps=-all --ambient-caps=-all --no-new-privs -- "$@"
`;

/**
 * The command line that applies `plan` inside the call's mount namespace and then runs
 * `command` as `user` without capabilities. Throws when the plan binds more folders than the
 * shell can hold open.
 */
export const hidingCommandLine = (
  setpriv: string,
  plan: HidingPlan,
  user: HandlerUser,
  command: string,
  args: readonly string[],
): string[] => {
  if (plan.binds.length > MAX_BINDS) throw new Error(`A call can keep at most ${MAX_BINDS} folders.`);
  return [
    '/bin/sh',
    '-c',
    HIDING_SCRIPT,
    'tempo-hide',
    setpriv,
    plan.cwd,
    `${user.uid}:${user.gid}`,
    ...plan.binds.flatMap((bind) => [`${bind.writable ? 'rw' : 'ro'}${bind.file ? 'f' : ''}`, bind.path]),
    '--',
    ...plan.hiddenFolders.flatMap((path) => ['d', path]),
    ...plan.hiddenFiles.flatMap((path) => ['f', path]),
    '--',
    command,
    ...args,
  ];
};
