import {
  type ProcessStat,
  type ProcessTable,
  readEnvironmentVariables,
  readProcessStatSync,
  readProcessTable,
  stopAndKill,
  withDescendants,
} from './process-tree.ts';

/**
 * The variable that marks every process of one handler call. Children inherit it whatever
 * session or process group they move to, so the call's processes are found even after their
 * parent exited and init adopted them. Its value names the server that started the call (see
 * `handler-leftovers.ts`), so a restart finds what a crashed server left running.
 */
export const HANDLER_TAG_VARIABLE = 'TEMPO_HANDLER_TAG';

/**
 * How often a running call's tree is walked, in milliseconds. Between walks the tag is what
 * finds a process whose parent exited; a walk also remembers children that later clear their
 * environment, as long as they were seen once.
 */
const TRACK_INTERVAL_MS = 1_000;

/**
 * Follows the processes of one call on Linux (`/proc`), so that none of them outlives it: the
 * child, everything below it in the parent links, every process ever seen there, and every
 * process started since the child that carries the call's tag. A cgroup would be tighter, but
 * needs a writable cgroup v2 tree that most hosts and containers do not give a server.
 */
export class TreeContainment {
  /** The value of {@link HANDLER_TAG_VARIABLE} for this call. */
  readonly tag: string;
  #root: ProcessStat | null = null;
  readonly #known = new Map<number, ProcessStat>();
  #timer: NodeJS.Timeout | undefined;
  #tracking = false;

  constructor(tag: string) {
    this.tag = tag;
  }

  /**
   * Starts following the tree of `pid`, which must have been spawned just now: it cannot have
   * been reaped yet, so its start time is read before its pid could be reused.
   */
  attach(pid: number): void {
    this.#root = readProcessStatSync(pid);
    if (!this.#root) return;
    this.#timer = setInterval(() => void this.#track(), TRACK_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Kills every process of the call; answers how many there were. */
  async killAll(): Promise<number> {
    this.dispose();
    if (!this.#root) return 0;
    return stopAndKill((table) => this.#members(table));
  }

  /** Stops following the tree (idempotent). */
  dispose(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #track(): Promise<void> {
    if (this.#tracking) return;
    this.#tracking = true;
    try {
      const table = await readProcessTable();
      for (const stat of withDescendants(table, this.#seeds(table))) this.#known.set(stat.pid, stat);
    } finally {
      this.#tracking = false;
    }
  }

  /** The root and every process seen in the tree before, where each is still the same process. */
  #seeds(table: ProcessTable): ProcessStat[] {
    const remembered = this.#root ? [this.#root, ...this.#known.values()] : [...this.#known.values()];
    return remembered.flatMap((seen) => {
      const now = table.get(seen.pid);
      return now && now.startTicks === seen.startTicks ? [now] : [];
    });
  }

  async #members(table: ProcessTable): Promise<ProcessStat[]> {
    const tree = withDescendants(table, this.#seeds(table));
    const inTree = new Set(tree.map((stat) => stat.pid));
    const rootStart = this.#root?.startTicks ?? 0;
    // Only a process started since the call began can carry its tag; the rest are not read.
    const candidates = [...table.values()].filter(
      (stat) =>
        !stat.zombie && stat.startTicks >= rootStart && !inTree.has(stat.pid) && stat.pid !== process.pid,
    );
    const tags = await readEnvironmentVariables(candidates, HANDLER_TAG_VARIABLE);
    const tagged = candidates.filter((stat) => tags.get(stat.pid) === this.tag);
    return withDescendants(table, [...tree, ...tagged]);
  }
}

/**
 * The processes of one call run in a PID namespace of their own (see `handler-isolation.ts`):
 * every process the handler starts, whatever session it moves to or environment it clears, stays
 * below the namespace's first process, whose orphans it adopts. So the tree below the wrapper is
 * the whole call, and nothing needs following while it runs; a sweep of that tree, before the
 * wrapper is killed, finds every process and waits until each is gone.
 */
export class NamespaceContainment {
  #root: ProcessStat | null = null;

  /** Remembers the wrapper `pid`, spawned just now (see {@link TreeContainment.attach}). */
  attach(pid: number): void {
    this.#root = readProcessStatSync(pid);
  }

  /** Kills every process of the call; answers how many there were. */
  async killAll(): Promise<number> {
    const root = this.#root;
    if (!root) return 0;
    return stopAndKill(async (table) => {
      const now = table.get(root.pid);
      return now && now.startTicks === root.startTicks ? withDescendants(table, [now]) : [];
    });
  }

  /** Nothing runs between sweeps; here for the same shape as {@link TreeContainment}. */
  dispose(): void {}
}
