import { hostname } from 'node:os';
import {
  LOCAL_SERVER_WORKER_ID,
  type Page,
  type PageQueryInput,
  type TempoSettings,
  type WorkerActivityRecord,
  type WorkerFleetSummary,
  type WorkerListQuery,
  type WorkerSessionRecord,
  type WorkerSummary,
  type WorkerTokenIssued,
} from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import { type Filter, parsePageQuery, type Repositories, type Tables } from '@tempo/core/store';
import { recordActivity } from './worker-activity.ts';
import { WorkerErrors } from './worker-errors.ts';
import type { WorkerSessions } from './worker-sessions.ts';
import { issueWorkerToken, workerTokenMatches } from './worker-tokens.ts';
import { type WorkerRow, workerSummaryOf } from './worker-views.ts';

/** What {@link WorkerAdmin} is built from. */
export interface WorkerAdminOptions {
  readonly repositories: Repositories;
  readonly sessions: WorkerSessions;
  readonly settings: Pick<TempoSettings, 'engine' | 'auth'>;
  readonly log: Logger;
  /** Version of this server, recorded on the pseudo-worker's row. */
  readonly version: string;
}

const now = () => new Date().toISOString();

/** Whether a worker's id, name or host name contains `search`, ignoring case. */
const matchesSearch = (row: WorkerRow, search: string): boolean => {
  const needle = search.trim().toLowerCase();
  return [row.id, row.name, row.hostName ?? ''].some((value) => value.toLowerCase().includes(needle));
};

/**
 * The worker registry behind the admin routes (spec §5): reads, drain/resume/block/unblock, token
 * rotation with implicit registration, and the pseudo-worker's row. Protocol side effects go
 * through the live sessions.
 */
export class WorkerAdmin {
  readonly #options: WorkerAdminOptions;

  constructor(options: WorkerAdminOptions) {
    this.#options = options;
  }

  async #require(workerId: string): Promise<WorkerRow> {
    const row = await this.#options.repositories.workers.get(workerId);
    if (!row) throw WorkerErrors.notFound(workerId);
    return row;
  }

  /** One page of workers in creation order, filtered as spec §5.1 says. */
  async list(query: WorkerListQuery): Promise<Page<WorkerSummary>> {
    const { pageNumber, pageSize } = parsePageQuery(query);
    const filter: Filter<typeof Tables.workers> = {
      ...(query.state === undefined ? {} : { state: query.state }),
      ...(query.enabled === undefined ? {} : { enabled: query.enabled }),
      ...(query.drainMode === undefined ? {} : { drainMode: query.drainMode }),
    };
    // Three columns, any of which may match: workers are few, so the search runs here.
    const rows = (await this.#options.repositories.workers.find(filter)).filter(
      (row) => !query.search || matchesSearch(row, query.search),
    );
    const pageRows = rows.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    const items = await Promise.all(pageRows.map((row) => workerSummaryOf(this.#options.repositories, row)));
    return { pageNumber, pageSize, totalCount: rows.length, items };
  }

  /** A worker's summary; 404 when unknown. */
  async read(workerId: string): Promise<WorkerSummary> {
    return workerSummaryOf(this.#options.repositories, await this.#require(workerId));
  }

  /** Counts of workers by state, enabled and drain flags, live sessions and open assignments. */
  async fleet(): Promise<WorkerFleetSummary> {
    const { repositories, sessions } = this.#options;
    const rows = await repositories.workers.find();
    const count = (test: (row: WorkerRow) => boolean) => rows.filter(test).length;
    return {
      totalCount: rows.length,
      byState: {
        Online: count((row) => row.state === 'Online'),
        Offline: count((row) => row.state === 'Offline'),
      },
      enabledCount: count((row) => row.enabled),
      blockedCount: count((row) => !row.enabled),
      drainingCount: count((row) => row.drainMode),
      liveSessionCount: sessions.live().length,
      activeAssignmentCount: await repositories.runAssignments.count({
        state: 'Assigned',
        completedUtc: null,
      }),
    };
  }

  /** A worker's sessions, newest first. */
  async sessionsOf(workerId: string, query: PageQueryInput): Promise<Page<WorkerSessionRecord>> {
    await this.#require(workerId);
    return this.#options.repositories.workerSessions.list(query, { workerId });
  }

  /** A worker's activity, newest first. */
  async activityOf(workerId: string, query: PageQueryInput): Promise<Page<WorkerActivityRecord>> {
    await this.#require(workerId);
    return this.#options.repositories.workerActivity.list(query, { workerId });
  }

  /** Drain on or off: persisted (and sent back in later hello-acks), pushed to a live session. */
  async setDrainMode(workerId: string, drainMode: boolean): Promise<WorkerSummary> {
    await this.#require(workerId);
    await this.#options.repositories.workers.update(workerId, { drainMode });
    const pushed = this.#options.sessions.setDrainMode(workerId, drainMode);
    await this.#audit(
      workerId,
      drainMode ? 'drained' : 'resumed',
      `operator_request; live session told: ${pushed}`,
    );
    return this.read(workerId);
  }

  /** Block: disabled and Offline, its live session closed (`worker_blocked`), reconnects refused. */
  async block(workerId: string): Promise<WorkerSummary> {
    if (workerId === LOCAL_SERVER_WORKER_ID) throw WorkerErrors.localServerProtected('be blocked');
    await this.#require(workerId);
    await this.#options.repositories.workers.update(workerId, { enabled: false, state: 'Offline' });
    const closed = await this.#options.sessions.disconnect(workerId);
    await this.#audit(workerId, 'blocked', `live session closed: ${closed}`);
    return this.read(workerId);
  }

  /** Unblock: enabled again; the worker may reconnect. */
  async unblock(workerId: string): Promise<WorkerSummary> {
    await this.#require(workerId);
    await this.#options.repositories.workers.update(workerId, { enabled: true });
    await this.#audit(workerId, 'unblocked', null);
    return this.read(workerId);
  }

  /**
   * A new token for a worker, registering it when unknown (spec §3: name = id, `Worker`,
   * `Offline`, enabled, not draining, no labels or capabilities, 1 run at once, no time limit).
   * The old token stops working for new connections at once; a live session is left running, as
   * the spec says, since it authenticated when it connected.
   */
  async rotateToken(workerId: string): Promise<WorkerTokenIssued> {
    if (workerId === LOCAL_SERVER_WORKER_ID) throw WorkerErrors.localServerProtected('be given a token');
    const { repositories, settings } = this.#options;
    const { token, tokenHash } = issueWorkerToken(settings.auth.credentialHashKey);
    const issuedUtc = now();
    const secret = { tokenHash, tokenLastRotatedUtc: issuedUtc };
    const updated = await repositories.workers.update(workerId, secret);
    if (!updated) {
      try {
        await repositories.workers.create({ id: workerId, name: workerId, ...secret, createdUtc: issuedUtc });
      } catch (error) {
        // Registered by a concurrent call in between: this call's token replaces that one.
        if (!(await repositories.workers.update(workerId, secret))) throw error;
      }
    }
    await this.#audit(workerId, 'token_rotated', updated ? 'token replaced' : 'worker registered');
    return { workerId, token, issuedUtc };
  }

  /**
   * The worker a connection or download authenticates as: known, enabled, with a token that
   * matches; null otherwise. The pseudo-worker never authenticates (it has no token).
   */
  async authenticate(workerId: string, token: string): Promise<WorkerRow | null> {
    if (workerId === '' || workerId === LOCAL_SERVER_WORKER_ID) return null;
    const row = await this.#options.repositories.workers.get(workerId);
    const { credentialHashKey } = this.#options.settings.auth;
    // The hash is computed for unknown workers too, so the answer time does not tell them apart.
    const matches = workerTokenMatches(token, row?.tokenHash ?? null, credentialHashKey);
    return row?.enabled && matches ? row : null;
  }

  /**
   * At start: the pseudo-worker's row, Online with the engine's concurrency, when the server
   * executes runs itself; Offline when it does not. Its enabled and drain flags are kept.
   */
  async registerLocalServer(): Promise<void> {
    const { repositories, settings } = this.#options;
    const executes = settings.engine.serverCanExecuteWorkload;
    const existing = await repositories.workers.get(LOCAL_SERVER_WORKER_ID);
    if (!executes) {
      if (existing) await repositories.workers.update(LOCAL_SERVER_WORKER_ID, { state: 'Offline' });
      return;
    }
    const fields = {
      name: 'server-local',
      kind: 'Server' as const,
      state: 'Online' as const,
      version: this.#options.version.slice(0, 64),
      hostName: hostname().slice(0, 255),
      maxConcurrentRuns: settings.engine.maxConcurrentRuns,
      maxTaskTimeoutMs: 0,
      lastHeartbeatUtc: now(),
      tokenHash: null,
    };
    if (existing) await repositories.workers.update(LOCAL_SERVER_WORKER_ID, fields);
    else
      await repositories.workers
        .create({ id: LOCAL_SERVER_WORKER_ID, ...fields })
        .catch(() => repositories.workers.update(LOCAL_SERVER_WORKER_ID, fields));
  }

  /** At stop: the pseudo-worker's row goes Offline with this server's execution. */
  async stopLocalServer(): Promise<void> {
    if (!this.#options.settings.engine.serverCanExecuteWorkload) return;
    await this.#options.repositories.workers.update(LOCAL_SERVER_WORKER_ID, { state: 'Offline' });
  }

  #audit(workerId: string, eventType: string, message: string | null): Promise<void> {
    return recordActivity(this.#options.repositories, this.#options.log, {
      workerId,
      eventType,
      severity: 'Info',
      message,
    });
  }
}
