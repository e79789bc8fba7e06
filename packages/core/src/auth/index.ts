/** Password and secret hashing; credential key generation and keyed storage. */
export { credentialKeyHash, type IssuedCredentialKeys, issueCredentialKeys } from './credential-keys.ts';
export { hashPassword, hashSecret, passwordSha256Form, sha256Hex, verifyPassword } from './passwords.ts';
