import type { AuditAction, AuditActorKind, AuditOutcome, TempoSettings } from '@tempo/contracts';
import { newId } from '@tempo/core/ids';
import type { Logger } from '@tempo/core/logging';
import { BoundedMap, op, type Repositories } from '@tempo/core/store';
import type { Principal } from '../auth/principal.ts';

/** Who acted, as an audit event names them. */
export interface AuditActor {
  readonly kind: AuditActorKind;
  readonly id: string | null;
  readonly name: string | null;
  readonly authMethod: string | null;
}

/** One event to record; the recorder adds its id and time. */
export interface AuditEntry {
  readonly tenantId: string | null;
  readonly actor: AuditActor;
  readonly sourceIp: string | null;
  readonly action: AuditAction;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly outcome: AuditOutcome;
  readonly statusCode: number;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** Dependencies of {@link AuditRecorder}. */
export interface AuditRecorderDependencies {
  readonly repositories: Repositories;
  readonly log: Logger;
  readonly settings: TempoSettings['audit'];
}

/** Largest `detail` kept, as JSON text; a bigger one is replaced by the names of its keys. */
export const MAX_DETAIL_CHARS = 2048;
/** Longest text value kept inside `detail`, in characters. */
const MAX_DETAIL_TEXT = 256;
/** Longest actor name or target id kept (an email is at most 320 characters). */
const MAX_NAME = 320;
/**
 * Writes in flight at most. Past it an event is dropped and logged: a flood of audited requests
 * must not queue writes without bound in memory, nor make the requests wait for them.
 */
const MAX_PENDING_WRITES = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const cut = (text: string | null, max: number): string | null =>
  text === null ? null : text.length > max ? text.slice(0, max) : text;

const boundedValue = (value: unknown): unknown => {
  if (typeof value === 'string') return cut(value, MAX_DETAIL_TEXT);
  if (Array.isArray(value)) return value.slice(0, 50).map(boundedValue);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .slice(0, 50)
        .map(([key, inner]) => [key, boundedValue(inner)]),
    );
  return value;
};

/**
 * A detail as stored: texts cut, lists and objects shortened, and when the JSON is still past
 * {@link MAX_DETAIL_CHARS}, only the names of its keys (the bound holds whatever a caller passes).
 */
export const boundedDetail = (detail: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const bounded = boundedValue(detail) as Record<string, unknown>;
  if (JSON.stringify(bounded).length <= MAX_DETAIL_CHARS) return bounded;
  return {
    truncated: true,
    keys: Object.keys(detail)
      .slice(0, 20)
      .map((key) => key.slice(0, 64)),
  };
};

/** The actor of a request's principal. */
export const actorOf = (principal: Principal): AuditActor => {
  switch (principal.kind) {
    case 'user':
      return { kind: 'User', id: principal.userId, name: principal.email, authMethod: principal.method };
    case 'administrator':
      return {
        kind: 'Administrator',
        id: principal.administratorId,
        name: principal.email ?? 'admin-api-key',
        authMethod: principal.method,
      };
    case 'anonymous':
      return { kind: 'Anonymous', id: null, name: null, authMethod: null };
  }
};

/**
 * Writes audit events without making anyone wait: {@link AuditRecorder.record} starts the insert
 * and returns; a failed write is logged, never answered, so an audit problem cannot fail the
 * request it describes. Events past `audit.retentionDays` are swept every
 * `audit.sweepIntervalMinutes` while the server listens.
 */
export class AuditRecorder {
  readonly #deps: AuditRecorderDependencies;
  readonly #pending = new Set<Promise<void>>();
  /** When an event of a key was last recorded, for events kept once per window. */
  readonly #lastRecorded = new BoundedMap<string, number>(10_000);
  #sweepTimer: NodeJS.Timeout | undefined;
  #dropped = 0;

  constructor(deps: AuditRecorderDependencies) {
    this.#deps = deps;
  }

  /** Records an event in the background. */
  record(entry: AuditEntry): void {
    if (this.#pending.size >= MAX_PENDING_WRITES) {
      this.#dropped += 1;
      // One line per hundred drops: the log must not become the next flood.
      if (this.#dropped % 100 === 1)
        this.#deps.log.warn(
          { action: entry.action, dropped: this.#dropped },
          'audit events dropped: too many writes in flight',
        );
      return;
    }
    const write = this.#deps.repositories.auditEvents
      .create({
        id: newId('auditEvent'),
        tenantId: entry.tenantId,
        occurredUtc: new Date().toISOString(),
        actorKind: entry.actor.kind,
        actorId: entry.actor.id,
        actorName: cut(entry.actor.name, MAX_NAME),
        authMethod: entry.actor.authMethod,
        sourceIp: cut(entry.sourceIp, 64),
        action: entry.action,
        targetType: entry.targetType,
        targetId: cut(entry.targetId, 255),
        outcome: entry.outcome,
        statusCode: entry.statusCode,
        detail: boundedDetail(entry.detail ?? {}),
      })
      .then(
        () => undefined,
        (error: unknown) =>
          this.#deps.log.error({ err: error, action: entry.action }, 'audit event not written'),
      )
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
  }

  /**
   * Records an event at most once per `windowMs` for the same `key`: for events a caller can
   * repeat at will (a sign-in by headers on every request, a throttled attempt), where the first
   * one says what the rest would.
   */
  recordOnce(key: string, windowMs: number, entry: AuditEntry): void {
    const now = Date.now();
    const last = this.#lastRecorded.get(key);
    if (last !== undefined && now - last < windowMs) return;
    this.#lastRecorded.set(key, now);
    this.record(entry);
  }

  /** Resolves once every write started so far has settled. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Deletes events older than `audit.retentionDays`; resolves to how many went. */
  sweep(nowMs = Date.now()): Promise<number> {
    const cutoff = new Date(nowMs - this.#deps.settings.retentionDays * DAY_MS).toISOString();
    return this.#deps.repositories.auditEvents.deleteWhere({ occurredUtc: op.range({ lt: cutoff }) });
  }

  /** Sweeps now and then every `audit.sweepIntervalMinutes`, until {@link AuditRecorder.stop}. */
  startSweeping(): void {
    if (this.#sweepTimer) return;
    const sweepOnce = (): void => {
      // Tracked like a write, so stop() waits for it before the database closes.
      const run: Promise<void> = this.sweep()
        .then(
          (deleted) => {
            if (deleted > 0) this.#deps.log.info({ deleted }, 'audit events past their retention deleted');
          },
          (error: unknown) => this.#deps.log.error({ err: error }, 'audit sweep failed'),
        )
        .finally(() => this.#pending.delete(run));
      this.#pending.add(run);
    };
    sweepOnce();
    this.#sweepTimer = setInterval(sweepOnce, this.#deps.settings.sweepIntervalMinutes * 60_000);
    this.#sweepTimer.unref();
  }

  /** Stops sweeping and waits for the writes in flight, before the database closes. */
  async stop(): Promise<void> {
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
    await this.flush();
  }
}
