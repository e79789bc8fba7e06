import type { ColumnSealer } from '../store/sealed-columns.ts';
import { mapRestCall, mapSnapshotText, mapTransitions, type SecretMap } from './rest-secrets.ts';
import { ENVELOPE_PREFIX, SecretKeyMissingError } from './secret-envelope.ts';
import type { SecretKeyring } from './secret-keyring.ts';

/** The columns that hold secrets, by table name (property names). */
export const SECRET_COLUMNS = {
  steps: ['runtimeConfig', 'rest'],
  data_flows: ['transitions'],
  flow_runs: ['executionSnapshotJson'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** Text every snapshot holding a REST call contains: the only snapshots worth parsing to seal. */
export const HEADERS_HINT = '"headers"';

/**
 * `map` applied to the credentials a column's value holds.
 * @param hint text a stored snapshot must contain to be parsed (see `mapSnapshotText`).
 */
export const mapSecretColumn = (
  table: string,
  column: string,
  value: unknown,
  map: SecretMap,
  hint = HEADERS_HINT,
): unknown => {
  switch (table) {
    case 'steps':
      return mapRestCall(value, map);
    case 'data_flows':
      return column === 'transitions' ? mapTransitions(value, map) : value;
    case 'flow_runs':
      return column === 'executionSnapshotJson' && typeof value === 'string'
        ? mapSnapshotText(value, map, hint)
        : value;
    default:
      return value;
  }
};

/** The store's sealer of secrets, with what it met that it could not open. */
export interface SecretSealer extends ColumnSealer {
  readonly keyring: SecretKeyring;
  /** Ids of missing keys named by run snapshots read so far (opened with the placeholder). */
  missingRunKeyIds(): readonly string[];
}

/**
 * The store's sealer over a keyring: credential header values are sealed on every write and
 * opened on every read. A run's snapshot whose key is gone opens with `placeholder` in place of
 * the secret: a finished run is only ever shown (with secrets hidden), and the runs that still
 * execute are checked at start-up (see `assertSecretKeysPresent`).
 */
export const createSecretSealer = (keyring: SecretKeyring, placeholder: string): SecretSealer => {
  const missing = new Set<string>();
  const seal: SecretMap = (value) => keyring.seal(value);
  const open: SecretMap = (value) => keyring.open(value);
  const openRunSnapshot: SecretMap = (value) => {
    try {
      return keyring.open(value);
    } catch (error) {
      if (!(error instanceof SecretKeyMissingError)) throw error;
      missing.add(error.keyId);
      return placeholder;
    }
  };
  return {
    keyring,
    missingRunKeyIds: () => [...missing],
    columns: SECRET_COLUMNS,
    seal: (table, column, value) => mapSecretColumn(table, column, value, seal),
    open: (table, column, value) =>
      mapSecretColumn(table, column, value, table === 'flow_runs' ? openRunSnapshot : open, ENVELOPE_PREFIX),
  };
};
