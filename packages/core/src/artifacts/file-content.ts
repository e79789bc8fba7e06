import { createHash } from 'node:crypto';
import { extname } from 'node:path';

/** How an editable file's bytes are stored (spec §8, "current" snapshot). */
export interface FileContent {
  /** True when the bytes hold NUL or are not valid UTF-8. */
  readonly isBinary: boolean;
  /** The UTF-8 text, or base64 of the bytes when `isBinary`. */
  readonly content: string;
}

/** Lowercase hex SHA-256, the identity of packages and files. */
export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

// `ignoreBOM` keeps a leading BOM in the text so that saving it back gives the same bytes.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Text when the bytes are NUL-free valid UTF-8, otherwise base64. */
export const classifyFileContent = (bytes: Uint8Array): FileContent => {
  if (!bytes.includes(0)) {
    try {
      return { isBinary: false, content: strictUtf8.decode(bytes) };
    } catch {
      // Invalid UTF-8: stored as binary below.
    }
  }
  return {
    isBinary: true,
    content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
};

/** The bytes a stored file stands for: the inverse of {@link classifyFileContent}. */
export const fileContentBytes = (content: FileContent): Buffer =>
  Buffer.from(content.content, content.isBinary ? 'base64' : 'utf8');

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
  '.md': 'text/plain',
  '.dll': 'application/octet-stream',
};

/**
 * The content type recorded for a package file, by extension (case-insensitive); an unknown
 * extension gives `text/plain` for text and `application/octet-stream` for binary.
 */
export const contentTypeForPath = (path: string, isBinary = false): string =>
  CONTENT_TYPES[extname(path).toLowerCase()] ?? (isBinary ? 'application/octet-stream' : 'text/plain');
