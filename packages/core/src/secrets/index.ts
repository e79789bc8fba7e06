/** Secrets at rest: AES-256-GCM sealing of stored credentials under a rotatable keyring. */
export {
  generateSecretKey,
  type LoadedKeyring,
  loadSecretKeyring,
  readKeyFile,
  type SecretKeySettings,
  writeKeyFile,
} from './key-file.ts';
export {
  mapRestCall,
  mapSnapshotText,
  mapTransitions,
  restoreRestCall,
  restoreTransitions,
  type SecretMap,
} from './rest-secrets.ts';
export { createSecretSealer, HEADERS_HINT, SECRET_COLUMNS, type SecretSealer } from './secret-columns.ts';
export { SecretKeyMissingError } from './secret-envelope.ts';
export { SecretKeyring } from './secret-keyring.ts';
export {
  assertSecretKeysPresent,
  rotateSecrets,
  type SecretRotationReport,
  SecretsKeyMissingError,
} from './secret-maintenance.ts';
