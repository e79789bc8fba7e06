import type { DataFlowRecord, TriggerRecord } from '@tempo/contracts';
import { type Repositories, Tables } from '@tempo/core/store';
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

/** A bounded map that forgets its oldest entry first. */
class BoundedMap<T> {
  readonly #entries = new Map<string, Entry<T>>();

  get(key: string): Entry<T> | undefined {
    return this.#entries.get(key);
  }

  set(key: string, entry: Entry<T>): void {
    this.#entries.delete(key);
    if (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, entry);
  }
}

/**
 * Triggers, their flows and the flows' execution snapshots, served from memory on the trigger
 * path. An entry is stamped with the definition tables' write clock before its rows are read and
 * is used only while the clock has not moved, so an edit, deactivation or deletion made through
 * the API takes effect for the very next call. Writes by another process are not seen here; the
 * clock's `tick` is where a cluster-wide invalidation plugs in.
 */
export class DefinitionCache {
  readonly #repositories: Repositories;
  readonly #resolvePin: ArtifactPinResolver;
  readonly #targets = new BoundedMap<TriggerTarget>();
  readonly #snapshots = new BoundedMap<CachedSnapshot>();

  constructor(repositories: Repositories, resolvePin: ArtifactPinResolver) {
    this.#repositories = repositories;
    this.#resolvePin = resolvePin;
  }

  #stamp(): number {
    return this.#repositories.writeClock.stampOf(DEFINITION_TABLES);
  }

  /** A trigger (of any tenant) and its flow, or null when there is no such trigger. */
  async triggerTarget(triggerId: string): Promise<TriggerTarget | null> {
    const stamp = this.#stamp();
    const cached = this.#targets.get(triggerId);
    if (cached?.stamp === stamp) return cached.value;
    const [trigger] = await this.#repositories.triggers.findAcrossTenants({ id: triggerId }, 1);
    if (!trigger) return null;
    const flow = trigger.dataFlowId
      ? await this.#repositories.dataFlows.inTenant(trigger.tenantId).get(trigger.dataFlowId)
      : null;
    const value = { trigger, flow };
    this.#targets.set(triggerId, { stamp, value });
    return value;
  }

  /** The execution snapshot of a flow as it is now (see {@link captureSnapshot}). */
  async snapshotOf(flow: DataFlowRecord): Promise<CachedSnapshot> {
    const stamp = this.#stamp();
    const cached = this.#snapshots.get(flow.id);
    // The row's version is compared too: a caller may hold a row read before the cached one.
    if (cached?.stamp === stamp && cached.value.flowUpdatedUtc === flow.lastUpdateUtc) return cached.value;
    const snapshot = await captureSnapshot(this.#repositories, flow, this.#resolvePin);
    const value = { snapshot, json: JSON.stringify(snapshot), flowUpdatedUtc: flow.lastUpdateUtc };
    this.#snapshots.set(flow.id, { stamp, value });
    return value;
  }
}
