import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { HandlerIsolationSetting } from '@tempo/contracts';
import type { HandlerUser } from './handler-user.ts';
import { type HidingPlan, hidingCommandLine } from './server-file-hiding.ts';

/**
 * How the calls of a host keep their process trees: `namespace` (a PID namespace per call, which
 * the kernel empties when the handler, its first process, ends) or `tracking` (the process group,
 * the `/proc` parent links and the call's tag variable, see `tree-containment.ts`).
 */
export type HandlerIsolationMode = 'namespace' | 'tracking';

/** Per-process limits of one handler call; 0 leaves a limit off. */
export interface HandlerProcessLimits {
  /** `RLIMIT_DATA` in MiB. */
  readonly memoryLimitMb: number;
  /** `RLIMIT_CPU` in seconds. */
  readonly cpuTimeLimitSeconds: number;
}

/** The isolation a host found at start, and how it starts a command under it. */
export interface HandlerIsolation {
  readonly mode: HandlerIsolationMode;
  /** Why this mode, for the start-up log. */
  readonly reason: string;
  /** Whether the memory and CPU limits can be applied here (`prlimit` on Linux). */
  readonly limitsApply: boolean;
  /**
   * Whether a namespaced call can hide the server's files (see `server-file-hiding.ts`): in
   * `namespace` mode as root, where a probe call through the hiding worked.
   */
  readonly hidingApplies: boolean;
  /**
   * The user a hidden call's handler runs as, when {@link hidingApplies}: its scratch folder
   * must be given to it. Null when handlers run as the server's own user.
   */
  readonly handlerUser: HandlerUser | null;
  /**
   * The command line that runs `command` (already resolved to a path) under `limits` and, with
   * `namespaced` in `namespace` mode, in a PID namespace, where `hiding` (when given and
   * {@link hidingApplies}) covers the server's files, then runs it as {@link handlerUser}
   * without any capability; the command itself when none applies.
   */
  wrap(
    command: string,
    args: readonly string[],
    limits: HandlerProcessLimits,
    namespaced: boolean,
    hiding?: HidingPlan,
  ): WrappedCommand;
}

/** A command line to spawn. */
export interface WrappedCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** What {@link detectHandlerIsolation} looks at. */
export interface HandlerIsolationOptions {
  readonly requested: HandlerIsolationSetting;
  /** The `PATH` the helper programs are looked up on: the server's own. */
  readonly searchPath: string | undefined;
  /**
   * Hide the server's files from namespaced calls (`hideServerFiles`); default false. As root,
   * when a namespace or the mounts cannot be had, the start is refused in every mode but
   * `tracking`, so a root server never runs handlers without the hiding it was told to apply.
   * Not as root: the handlers run as the server's own user, and nothing is hidden (the reason
   * says so).
   */
  readonly hideServerFiles?: boolean;
  /** Who a hidden call's handler runs as (`handlerUser`); default `nobody` (65534:65534). */
  readonly handlerUser?: HandlerUser;
}

const NOBODY: HandlerUser = { uid: 65534, gid: 65534 };

/**
 * The line util-linux `unshare` (2.38) prints when the namespace's first process was killed by
 * SIGKILL: it cannot re-raise that signal on itself and exits 1 instead. Seen on stderr, it
 * means the handler was killed, not that it failed.
 */
export const UNSHARE_SIGKILL_MARKER = 'unshare: sigprocmask unblock failed';

/** The first executable file named `name` on `searchPath`, or null. */
const findOnPath = (name: string, searchPath: string | undefined): string | null => {
  for (const folder of (searchPath ?? '').split(delimiter)) {
    if (folder === '') continue;
    const candidate = join(folder, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
};

const isExecutableFile = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * Where `command` is, as the child would find it: a name with a slash is taken from `cwd`, a bare
 * name from the child's own `PATH`. Null when there is no such executable. Helpers between the
 * host and the handler start it by this path, so a missing command still reads as a failed start
 * rather than as a helper's exit code.
 */
export const resolveCommand = (
  command: string,
  cwd: string,
  childPath: string | undefined,
): string | null => {
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    return isExecutableFile(path) ? path : null;
  }
  return findOnPath(command, childPath);
};

/** `prlimit` options for `limits`; a soft and hard limit alike, so the kernel's answer is SIGKILL. */
const limitArgs = (limits: HandlerProcessLimits): string[] => {
  // No core files: a killed handler would otherwise leave one in its artifact's folder.
  const args = ['--core=0'];
  if (limits.memoryLimitMb > 0) args.push(`--data=${limits.memoryLimitMb * 1024 * 1024}`);
  if (limits.cpuTimeLimitSeconds > 0) args.push(`--cpu=${limits.cpuTimeLimitSeconds}`);
  return args;
};

const hasLimits = (limits: HandlerProcessLimits) =>
  limits.memoryLimitMb > 0 || limits.cpuTimeLimitSeconds > 0;

/**
 * The namespace wrapper: `setpriv` ties it to the server's life (killed when the server dies,
 * however it dies), `unshare` gives the handler a PID namespace of its own with a private `/proc`,
 * and kills it when `unshare` itself dies. As root no user namespace is needed; otherwise one maps
 * the server's user to root inside it, where the host allows unprivileged user namespaces.
 */
const namespaceArgs = (setpriv: string, unshare: string, asRoot: boolean): string[] => [
  setpriv,
  '--pdeathsig',
  'KILL',
  '--',
  unshare,
  ...(asRoot ? [] : ['--user', '--map-root-user']),
  // IPC objects (System V shared memory, message queues) die with the call, never shared.
  '--ipc',
  '--uts',
  '--pid',
  '--fork',
  '--kill-child',
  '--mount-proc',
  '--',
];

/**
 * Whether the namespace wrapper starts a process and passes its exit code back, tried once; with
 * `setpriv`, through the hiding of server files as well (with nothing to hide: its mounts of
 * `/proc`, `/sys` and `/dev`, the change of user and the capability drop are what can fail).
 * Both probes run `/bin/sh`, which any user may run and which starts in a millisecond, rather
 * than the server's own runtime, which takes tens of them (on every server start) and may live
 * where the handler user cannot reach.
 */
const namespaceWorks = (
  prefix: readonly string[],
  hiding: { readonly setpriv: string; readonly user: HandlerUser } | null,
): boolean => {
  const [command = '', ...args] = prefix;
  const empty = { hiddenFolders: [], hiddenFiles: [], binds: [], cwd: '/' };
  const line =
    hiding === null
      ? ['/bin/sh', '-c', 'exit 7']
      : hidingCommandLine(hiding.setpriv, empty, hiding.user, '/bin/sh', ['-c', 'exit 7']);
  const probe = spawnSync(command, [...args, ...line], { stdio: 'ignore', timeout: 10_000 });
  return probe.status === 7;
};

const build = (
  mode: HandlerIsolationMode,
  reason: string,
  prlimit: string | null,
  prefix: readonly string[],
  hidingSetpriv: string | null = null,
  user: HandlerUser = NOBODY,
): HandlerIsolation => ({
  mode,
  reason,
  limitsApply: prlimit !== null,
  hidingApplies: hidingSetpriv !== null,
  handlerUser: hidingSetpriv !== null ? user : null,
  wrap(command, args, limits, namespaced, hiding) {
    const limited = prlimit !== null && hasLimits(limits) ? [prlimit, ...limitArgs(limits), '--'] : [];
    const inner =
      namespaced && hiding && hidingSetpriv !== null
        ? hidingCommandLine(hidingSetpriv, hiding, user, command, args)
        : [command, ...args];
    const line = [...limited, ...(namespaced ? prefix : []), ...inner];
    return { command: line[0] ?? command, args: line.slice(1) };
  },
});

/**
 * Refuses a root server whose handlers would run without the hiding it was told to apply: they
 * would run as full root, able to read its settings, database and key file. An operator who
 * accepts that says so with `hideServerFiles: false`.
 */
const refuseUnhiddenRoot = (options: HandlerIsolationOptions, why: string): void => {
  if (!options.hideServerFiles || process.getuid?.() !== 0) return;
  throw new Error(
    `The server runs as root, but handlers cannot be isolated from its files: ${why}. ` +
      'Allow PID and mount namespaces (CAP_SYS_ADMIN or user namespaces) with isolation "auto", or run ' +
      'the server as an unprivileged user, or set runtimes.externalExecution.hideServerFiles to false ' +
      "to run handlers with the server's full rights.",
  );
};

/**
 * Chooses the isolation of handler calls once, at start: a PID namespace when asked for or, with
 * `auto`, when the helpers exist and a probe call through them works; else tracking. Throws when
 * `namespace` is asked for and cannot be had, so an operator who demands it never silently runs
 * without it.
 */
export const detectHandlerIsolation = (options: HandlerIsolationOptions): HandlerIsolation => {
  const linux = process.platform === 'linux';
  const prlimit = linux ? findOnPath('prlimit', options.searchPath) : null;
  if (options.requested === 'tracking') {
    refuseUnhiddenRoot(options, 'tracking was asked for');
    return build('tracking', 'tracking was asked for', prlimit, []);
  }
  const setpriv = linux ? findOnPath('setpriv', options.searchPath) : null;
  const unshare = linux ? findOnPath('unshare', options.searchPath) : null;
  const user = options.handlerUser ?? NOBODY;
  let unavailable: string | null = null;
  let prefix: string[] = [];
  if (!linux) unavailable = 'PID namespaces exist on Linux only';
  else if (!setpriv || !unshare) unavailable = 'setpriv or unshare (util-linux) is not on the PATH';
  else {
    const asRoot = process.getuid?.() === 0;
    prefix = namespaceArgs(setpriv, unshare, asRoot);
    if (!namespaceWorks(prefix, null)) {
      unavailable = asRoot
        ? 'unshare could not create a PID namespace (a container without CAP_SYS_ADMIN?)'
        : 'unprivileged user namespaces are not allowed here';
    } else if (options.hideServerFiles && asRoot && !namespaceWorks(prefix, { setpriv, user })) {
      unavailable = `hideServerFiles could not mount inside the namespace or start a process as handlerUser ${user.uid}:${user.gid}`;
    }
  }
  if (unavailable === null) {
    // Not root: handlers run as the server's user, in a user namespace where the hiding's mounts
    // and capability drop would not stop them reading that user's files anyway.
    const hiding = options.hideServerFiles && process.getuid?.() === 0 ? setpriv : null;
    const reason = hiding
      ? `a PID namespace per call, server files hidden, handlers run as ${user.uid}:${user.gid}`
      : options.hideServerFiles
        ? 'a PID namespace per call; server files NOT hidden (the server does not run as root)'
        : 'a PID namespace per call';
    return build('namespace', reason, prlimit, prefix, hiding, user);
  }
  if (options.requested === 'namespace') {
    throw new Error(
      `runtimes.externalExecution.isolation is "namespace", but ${unavailable}. Use "auto" or "tracking".`,
    );
  }
  refuseUnhiddenRoot(options, unavailable);
  return build('tracking', `no PID namespace: ${unavailable}`, prlimit, []);
};
