import type { DataFlowRecord, TriggerRecord } from '@tempo/contracts';
import { BoundedMap, DEFINITION_TABLES, type Repositories } from '@tempo/core/store';
import { SharedStampReader, type StampRead } from './definition-stamp.ts';
import { type ArtifactPinResolver, captureSnapshot, type ExecutionSnapshot } from './execution-snapshot.ts';

/** How many triggers and flows stay cached; beyond it the oldest entry goes. */
const MAX_ENTRIES = 10_000;

/** A flow's execution snapshot, with its JSON text as stored on each run (metadata left out). */
export interface CachedSnapshot {
  readonly snapshot: ExecutionSnapshot;
  readonly json: string;
  /** The `lastUpdateUtc` of the flow row it was captured from. */
  readonly flowUpdatedUtc: string | null;
}

/** A trigger and its flow as one call uses them; `flow` is null when the trigger names none. */
export interface TriggerTarget {
  readonly trigger: TriggerRecord;
  readonly flow: DataFlowRecord | null;
}

/**
 * When an entry was read: this process's write clock of the definition tables, and the
 * database-wide stamp (null while it is not compared, see {@link DefinitionCache.shared}).
 */
interface Stamp {
  readonly local: number;
  readonly shared: string | null;
}

interface Entry<T> {
  readonly stamp: Stamp;
  readonly value: T;
}

const sameStamp = (a: Stamp, b: Stamp): boolean => a.local === b.local && a.shared === b.shared;

/**
 * Triggers, their flows and the flows' execution snapshots, served from memory on the trigger
 * path. An entry is stamped before its rows are read and used only while the stamp is unchanged,
 * so an edit, deactivation or deletion takes effect for the very next call:
 * - this process's edits move its write clock, which costs nothing to compare;
 * - edits made through another server sharing the database move the database-wide definition
 *   stamp (see `DefinitionStamp`), which is read once per call (shared by the calls of one
 *   event-loop turn) whenever another server may be writing: always on PostgreSQL and MySQL,
 *   whose servers may start at any time, and on SQLite while another live server is seen.
 */
export class DefinitionCache {
  readonly #repositories: Repositories;
  readonly #resolvePin: ArtifactPinResolver;
  readonly #targets = new BoundedMap<string, Entry<TriggerTarget>>(MAX_ENTRIES);
  readonly #snapshots = new BoundedMap<string, Entry<CachedSnapshot>>(MAX_ENTRIES);
  readonly #reader: SharedStampReader;
  /**
   * The latest read of the database-wide stamp each flow handed out by {@link triggerTarget} was
   * checked against, so the same call's {@link snapshotOf} needs no second read: that call's own
   * check was issued after it began, and a later one only sees more.
   */
  readonly #checkedFlows = new WeakMap<DataFlowRecord, StampRead>();
  readonly #networked: boolean;
  #shared = false;

  constructor(repositories: Repositories, resolvePin: ArtifactPinResolver) {
    this.#repositories = repositories;
    this.#resolvePin = resolvePin;
    const { definitionStamp } = repositories;
    this.#reader = new SharedStampReader(() => definitionStamp.read());
    this.#networked = repositories.databaseType !== 'Sqlite';
  }

  /**
   * Whether another live server works on the same database (each heartbeat looks). On SQLite it
   * turns the per-call check of the database-wide stamp on; PostgreSQL and MySQL check always,
   * because a server started since the last heartbeat may already have made an edit.
   */
  get shared(): boolean {
    return this.#shared;
  }

  set shared(value: boolean) {
    this.#shared = value;
  }

  get #checksShared(): boolean {
    return this.#networked || this.#shared;
  }

  #localStamp(): number {
    return this.#repositories.writeClock.stampOf(DEFINITION_TABLES);
  }

  /** A trigger (of any tenant) and its flow, or null when there is no such trigger. */
  async triggerTarget(triggerId: string): Promise<TriggerTarget | null> {
    // Both parts are taken before the rows are read: a write landing meanwhile moves one of them.
    const local = this.#localStamp();
    const check = this.#checksShared ? await this.#reader.read() : null;
    const stamp = { local, shared: check?.stamp ?? null };
    const cached = this.#targets.get(triggerId);
    const value = cached && sameStamp(cached.stamp, stamp) ? cached.value : await this.#readTarget(triggerId);
    if (!value) return null;
    if (value !== cached?.value) this.#targets.set(triggerId, { stamp, value });
    if (value.flow && check) this.#noteChecked(value.flow, check);
    return value;
  }

  /** Keeps the latest check of a flow: reads of a pool may complete out of their order. */
  #noteChecked(flow: DataFlowRecord, check: StampRead): void {
    const known = this.#checkedFlows.get(flow);
    if (!known || known.sequence < check.sequence) this.#checkedFlows.set(flow, check);
  }

  async #readTarget(triggerId: string): Promise<TriggerTarget | null> {
    const [trigger] = await this.#repositories.triggers.findAcrossTenants({ id: triggerId }, 1);
    if (!trigger) return null;
    const flow = trigger.dataFlowId
      ? await this.#repositories.dataFlows.inTenant(trigger.tenantId).get(trigger.dataFlowId)
      : null;
    return { trigger, flow };
  }

  /** The execution snapshot of a flow as it is now (see {@link captureSnapshot}). */
  async snapshotOf(flow: DataFlowRecord): Promise<CachedSnapshot> {
    const local = this.#localStamp();
    const check = this.#checksShared ? (this.#checkedFlows.get(flow) ?? (await this.#reader.read())) : null;
    const stamp = { local, shared: check?.stamp ?? null };
    const cached = this.#snapshots.get(flow.id);
    // The row's version is compared too: a caller may hold a row read before the cached one.
    if (cached && sameStamp(cached.stamp, stamp) && cached.value.flowUpdatedUtc === flow.lastUpdateUtc)
      return cached.value;
    const snapshot = await captureSnapshot(this.#repositories, flow, this.#resolvePin);
    const value = { snapshot, json: JSON.stringify(snapshot), flowUpdatedUtc: flow.lastUpdateUtc };
    this.#snapshots.set(flow.id, { stamp, value });
    return value;
  }
}
