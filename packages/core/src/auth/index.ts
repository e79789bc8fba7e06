/** Password and secret hashing; credential key generation and keyed storage. */
export {
  ACCESS_KEY_HINT_LENGTH,
  accessKeyHintOf,
  CREDENTIAL_KEY_RANDOM_CHARS,
  type CredentialKeyKind,
  credentialKeyHash,
  type IssuedCredentialKeys,
  issueCredentialKeys,
  legacyCredentialKeyHash,
  newCredentialKey,
} from './credential-keys.ts';
export { hashPassword, hashSecret, passwordSha256Form, sha256Hex, verifyPassword } from './passwords.ts';
