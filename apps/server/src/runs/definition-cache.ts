import type { DataFlowRecord, TriggerRecord } from '@tempo/contracts';
import { BoundedMap, type Repositories, Tables } from '@tempo/core/store';
import { type ArtifactPinResolver, captureSnapshot, type ExecutionSnapshot } from './execution-snapshot.ts';

/**
 * Every table a trigger call's definitions come from. A write to any of them, through this
 * process's store, drops every cached entry: definitions change rarely, so one coarse rule that
 * cannot miss a dependency beats a precise one that might.
 */
const DEFINITION_TABLES = [
  Tables.tenants.name,
  Tables.triggers.name,
  Tables.dataFlows.name,
  Tables.steps.name,
  Tables.artifacts.name,
  Tables.artifactVersions.name,
] as const;

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

interface Entry<T> {
  readonly stamp: number;
  readonly value: T;
}

/**
 * Triggers, their flows and the flows' execution snapshots, served from memory on the trigger
 * path. An entry is stamped with the definition tables' write clock before its rows are read and
 * is used only while the clock has not moved, so an edit, deactivation or deletion made through
 * the API takes effect for the very next call. Writes by another process are not seen here, so
 * while another live server shares the database ({@link shared}) every call reads the database;
 * a cluster-wide invalidation will plug in through the clock's `tick`.
 */
export class DefinitionCache {
  readonly #repositories: Repositories;
  readonly #resolvePin: ArtifactPinResolver;
  readonly #targets = new BoundedMap<string, Entry<TriggerTarget>>(MAX_ENTRIES);
  readonly #snapshots = new BoundedMap<string, Entry<CachedSnapshot>>(MAX_ENTRIES);
  #shared = false;

  /**
   * Whether another live server works on the same database. Its writes do not move this
   * process's clock, so while one is seen (each heartbeat looks) nothing is served from memory
   * or kept there, and what was kept before is dropped: once the other server has gone, no entry
   * read before its edits can come back.
   */
  get shared(): boolean {
    return this.#shared;
  }

  set shared(value: boolean) {
    if (value) {
      this.#targets.clear();
      this.#snapshots.clear();
    }
    this.#shared = value;
  }

  constructor(repositories: Repositories, resolvePin: ArtifactPinResolver) {
    this.#repositories = repositories;
    this.#resolvePin = resolvePin;
  }

  #stamp(): number {
    return this.#repositories.writeClock.stampOf(DEFINITION_TABLES);
  }

  /** The cached entry when it may be served: same stamp, and no other server writing. */
  #fresh<T>(entry: Entry<T> | undefined, stamp: number): T | undefined {
    return entry?.stamp === stamp && !this.#shared ? entry.value : undefined;
  }

  /** A trigger (of any tenant) and its flow, or null when there is no such trigger. */
  async triggerTarget(triggerId: string): Promise<TriggerTarget | null> {
    const stamp = this.#stamp();
    const cached = this.#fresh(this.#targets.get(triggerId), stamp);
    if (cached) return cached;
    const [trigger] = await this.#repositories.triggers.findAcrossTenants({ id: triggerId }, 1);
    if (!trigger) return null;
    const flow = trigger.dataFlowId
      ? await this.#repositories.dataFlows.inTenant(trigger.tenantId).get(trigger.dataFlowId)
      : null;
    const value = { trigger, flow };
    if (!this.#shared) this.#targets.set(triggerId, { stamp, value });
    return value;
  }

  /** The execution snapshot of a flow as it is now (see {@link captureSnapshot}). */
  async snapshotOf(flow: DataFlowRecord): Promise<CachedSnapshot> {
    const stamp = this.#stamp();
    const cached = this.#fresh(this.#snapshots.get(flow.id), stamp);
    // The row's version is compared too: a caller may hold a row read before the cached one.
    if (cached && cached.flowUpdatedUtc === flow.lastUpdateUtc) return cached;
    const snapshot = await captureSnapshot(this.#repositories, flow, this.#resolvePin);
    const value = { snapshot, json: JSON.stringify(snapshot), flowUpdatedUtc: flow.lastUpdateUtc };
    if (!this.#shared) this.#snapshots.set(flow.id, { stamp, value });
    return value;
  }
}
