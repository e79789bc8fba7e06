import { createHash } from 'node:crypto';
import { extname } from 'node:path';

/** Lowercase hex SHA-256 of bytes. */
export const sha256Hex = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** How a file is stored in the mutable tree: text as UTF-8, anything with a NUL or invalid UTF-8 as base64. */
export const classifyFileContent = (
  bytes: Buffer,
): { readonly isBinary: boolean; readonly content: string } => {
  if (!bytes.includes(0)) {
    try {
      return { isBinary: false, content: utf8.decode(bytes) };
    } catch {
      // Not UTF-8: stored as binary below.
    }
  }
  return { isBinary: true, content: bytes.toString('base64') };
};

/** The bytes of a stored file. */
export const fileBytes = (file: { readonly content: string; readonly isBinary: boolean }): Buffer =>
  Buffer.from(file.content, file.isBinary ? 'base64' : 'utf8');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.py': 'text/x-python',
  '.js': 'text/javascript',
  '.cjs': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.cs': 'text/x-csharp',
  '.csproj': 'application/xml',
  '.xml': 'application/xml',
  '.sh': 'text/x-shellscript',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.dll': 'application/octet-stream',
};

/** A content type for a path, by its extension. */
export const contentTypeForPath = (path: string, isBinary: boolean): string =>
  CONTENT_TYPES[extname(path).toLowerCase()] ?? (isBinary ? 'application/octet-stream' : 'text/plain');
