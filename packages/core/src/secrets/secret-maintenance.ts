import { op } from '../store/filters.ts';
import type { Repositories } from '../store/repositories.ts';
import { isCredentialHeader } from './rest-secrets.ts';
import { HEADERS_HINT, mapSecretColumn, type SecretSealer } from './secret-columns.ts';
import { SecretKeyMissingError } from './secret-envelope.ts';

/** Stored secrets name keys the keyring lacks: starting would lose them, so start-up stops. */
export class SecretsKeyMissingError extends Error {
  override readonly name = 'SecretsKeyMissingError';
  /** The ids of the missing keys. */
  readonly keyIds: readonly string[];

  constructor(keyIds: readonly string[], held: readonly string[]) {
    super(
      `stored secrets are encrypted with key ${keyIds.join(', ')}, which is not configured ` +
        `(configured: ${held.join(', ')}). Restore the secrets key file from a backup, or give the ` +
        'missing key in secrets.key or secrets.previousKeys (TEMPO_SECRETS_KEY, TEMPO_SECRETS_PREVIOUS_KEYS). ' +
        'Nothing was changed: the secrets stay encrypted until their key is back.',
    );
    this.keyIds = keyIds;
  }
}

/** Runs read per page while scanning run history. */
const RUN_PAGE = 200;

/** Runs whose snapshot may hold a REST call's headers. */
const RUNS_WITH_HEADERS = { executionSnapshotJson: op.contains(HEADERS_HINT) } as const;

/** Runs that will still execute: their snapshots must open. */
const UNFINISHED = ['Queued', 'Running'] as const;

/** Whether a column value holds any credential header value (sealed or not). */
const holdsSecrets = (table: string, column: string, value: unknown): boolean => {
  let found = false;
  mapSecretColumn(table, column, value, (text, name) => {
    found ||= isCredentialHeader(name);
    return text;
  });
  return found;
};

/** Reads rows and turns a missing key into the error that names every missing one. */
const readAll = async <R>(read: () => Promise<R>, missing: Set<string>): Promise<R | null> => {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof SecretKeyMissingError)) throw error;
    missing.add(error.keyId);
    return null;
  }
};

/**
 * Refuses to go on when stored secrets name a key the keyring lacks: every step and flow, and
 * the snapshots of runs that will still execute, are read (and so opened) once.
 * @throws SecretsKeyMissingError naming the missing keys.
 */
export const assertSecretKeysPresent = async (
  repositories: Repositories,
  sealer: SecretSealer,
): Promise<void> => {
  const missing = new Set<string>();
  for (const tenant of await repositories.tenants.find()) {
    await readAll(() => repositories.steps.inTenant(tenant.id).find(), missing);
    await readAll(() => repositories.dataFlows.inTenant(tenant.id).find(), missing);
    // Unordered: ordered by creation, SQLite walks every run of the tenant through the creation
    // index and matches each snapshot's text (a quarter of a second per 20,000 runs, at every
    // start); unordered, the state index finds the few unfinished ones.
    await repositories.flowRuns
      .inTenant(tenant.id)
      .find({ ...RUNS_WITH_HEADERS, state: op.in([...UNFINISHED]) }, { orderBy: [] });
  }
  for (const keyId of sealer.missingRunKeyIds()) missing.add(keyId);
  if (missing.size > 0) throw new SecretsKeyMissingError([...missing], sealer.keyring.keyIds);
};

/** What a rotation rewrote. */
export interface SecretRotationReport {
  readonly keyId: string;
  readonly steps: number;
  readonly flows: number;
  readonly runs: number;
  /**
   * Keys already gone that finished runs named: those runs' secrets could not be opened and are
   * stored as the placeholder now (they were unreadable before the rotation too).
   */
  readonly lostKeyIds: readonly string[];
}

/**
 * Seals every stored secret again under the keyring's current key: steps, flows and run
 * snapshots, each row written back with the value read (the store opens it with whichever key
 * sealed it and seals it with the current one) and its `lastUpdateUtc` kept. Plain values stored
 * before secrets were sealed are sealed too. Run it with no server using the database.
 * @throws SecretsKeyMissingError before writing anything when a step, flow or unfinished run names a missing key.
 */
export const rotateSecrets = async (
  repositories: Repositories,
  sealer: SecretSealer,
): Promise<SecretRotationReport> => {
  await assertSecretKeysPresent(repositories, sealer);
  let steps = 0;
  let flows = 0;
  let runs = 0;
  for (const tenant of await repositories.tenants.find()) {
    const stepRows = repositories.steps.inTenant(tenant.id);
    for (const row of await stepRows.find()) {
      if (
        !holdsSecrets('steps', 'runtimeConfig', row.runtimeConfig) &&
        !holdsSecrets('steps', 'rest', row.rest)
      )
        continue;
      await stepRows.update(row.id, {
        runtimeConfig: row.runtimeConfig,
        rest: row.rest,
        lastUpdateUtc: row.lastUpdateUtc,
      });
      steps++;
    }
    const flowRows = repositories.dataFlows.inTenant(tenant.id);
    for (const row of await flowRows.find()) {
      if (!holdsSecrets('data_flows', 'transitions', row.transitions)) continue;
      await flowRows.update(row.id, { transitions: row.transitions, lastUpdateUtc: row.lastUpdateUtc });
      flows++;
    }
    const runRows = repositories.flowRuns.inTenant(tenant.id);
    for (let offset = 0; ; offset += RUN_PAGE) {
      const page = await runRows.find(RUNS_WITH_HEADERS, { limit: RUN_PAGE, offset });
      for (const row of page) {
        if (!holdsSecrets('flow_runs', 'executionSnapshotJson', row.executionSnapshotJson)) continue;
        await runRows.update(row.id, {
          executionSnapshotJson: row.executionSnapshotJson,
          lastUpdateUtc: row.lastUpdateUtc,
        });
        runs++;
      }
      if (page.length < RUN_PAGE) break;
    }
  }
  return { keyId: sealer.keyring.currentKeyId, steps, flows, runs, lostKeyIds: sealer.missingRunKeyIds() };
};
