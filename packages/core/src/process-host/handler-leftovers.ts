import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  isSameProcessAlive,
  type ProcessStat,
  readEnvironmentVariables,
  readProcessStatSync,
  readProcessTable,
  stopAndKill,
} from './process-tree.ts';
import { removeScratchFolder } from './scratch-folder.ts';
import { HANDLER_TAG_VARIABLE } from './tree-containment.ts';

/**
 * The server process that starts handlers over one scratch root. Its pid and start time tell
 * whether it still runs; the root's digest tells which data folder its handlers belong to
 * without putting a path in every handler's environment.
 */
export interface HandlerOwner {
  /** First 16 hex digits of the SHA-256 of the absolute scratch root. */
  readonly rootKey: string;
  readonly pid: number;
  /** The owner's start time in clock ticks since boot (Linux); 0 where unknown. */
  readonly startTicks: number;
}

/** What {@link clearHandlerLeftovers} found and removed. */
export interface HandlerLeftoverReport {
  /** Processes of handlers whose server is gone, killed with everything they started. */
  readonly processesKilled: number;
  /** Scratch folders no running handler uses, removed. */
  readonly scratchFoldersRemoved: number;
}

const TAG_PATTERN = /^([0-9a-f]{16})\.(\d+)\.(\d+)\.[0-9a-f]+$/;

/** This process as the owner of the handlers it starts over `scratchRoot`. */
export const handlerOwnerOf = (scratchRoot: string): HandlerOwner => ({
  rootKey: createHash('sha256').update(resolve(scratchRoot)).digest('hex').slice(0, 16),
  pid: process.pid,
  startTicks: readProcessStatSync(process.pid)?.startTicks ?? 0,
});

/** A fresh tag for one call of `owner`: `{rootKey}.{pid}.{startTicks}.{nonce}`. */
export const handlerCallTag = (owner: HandlerOwner): string =>
  `${owner.rootKey}.${owner.pid}.${owner.startTicks}.${randomBytes(6).toString('hex')}`;

/** The owner a tag names, or null for a tag of another shape (another caller's, or forged). */
const ownerOfTag = (tag: string): HandlerOwner | null => {
  const match = TAG_PATTERN.exec(tag);
  if (!match) return null;
  // Stryker disable next-line StringLiteral: a match of the pattern always has its first group.
  return { rootKey: match[1] ?? '', pid: Number(match[2]), startTicks: Number(match[3]) };
};

/** Sub-folders of `folder`, as absolute paths; none when it cannot be read. Links are not followed. */
const subFolders = async (folder: string): Promise<string[]> => {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => join(folder, entry.name));
};

/**
 * Clears what handlers of a crashed server left over `scratchRoot`: every process tagged for
 * this root whose server no longer runs is killed with all it started, and every per-call
 * scratch folder (`{scratchRoot}/{tenant}/{call}`) that no running handler uses is removed.
 * Handlers of another live server on the same root are left alone. Meant for start-up, before
 * this server starts handlers of its own.
 */
export const clearHandlerLeftovers = async (
  scratchRoot: string,
  owner: HandlerOwner,
): Promise<HandlerLeftoverReport> => {
  const table = await readProcessTable();
  // Stryker disable next-line ArrayDeclaration: an entry that is no process is never alive, so it is never stopped or counted.
  const orphans: ProcessStat[] = [];
  const inUse = new Set<string>();
  const live = [...table.values()].filter((stat) => !stat.zombie && stat.pid !== process.pid);
  const tags = await readEnvironmentVariables(live, HANDLER_TAG_VARIABLE);
  // Stryker disable next-line ArrayDeclaration: an entry that is no process has no environment to read a folder from.
  const ownersRunning: ProcessStat[] = [];
  for (const stat of live) {
    // Stryker disable next-line StringLiteral: any string that is not a tag names no owner, as '' does.
    const tagOwner = ownerOfTag(tags.get(stat.pid) ?? '');
    if (!tagOwner || tagOwner.rootKey !== owner.rootKey) continue;
    const ownerRuns =
      (tagOwner.pid === owner.pid && tagOwner.startTicks === owner.startTicks) ||
      isSameProcessAlive(table, tagOwner.pid, tagOwner.startTicks);
    (ownerRuns ? ownersRunning : orphans).push(stat);
  }
  for (const scratch of (await readEnvironmentVariables(ownersRunning, 'TEMPO_SCRATCH_DIR')).values()) {
    inUse.add(resolve(scratch));
  }
  const processesKilled =
    orphans.length === 0
      ? 0
      : await stopAndKill(async (now) =>
          orphans.filter((orphan) => isSameProcessAlive(now, orphan.pid, orphan.startTicks)),
        );
  let scratchFoldersRemoved = 0;
  for (const tenantFolder of await subFolders(resolve(scratchRoot))) {
    for (const callFolder of await subFolders(tenantFolder)) {
      if (inUse.has(callFolder)) continue;
      await removeScratchFolder(callFolder);
      scratchFoldersRemoved += 1;
    }
  }
  return { processesKilled, scratchFoldersRemoved };
};
