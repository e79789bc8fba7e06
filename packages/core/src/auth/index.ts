/** Password and secret hashing. */
export { hashPassword, hashSecret, passwordSha256Form, sha256Hex, verifyPassword } from './passwords.ts';
