import type { FileHandle } from 'node:fs/promises';

/** Limits of {@link readTail}, already clamped by the caller. */
export interface TailReadOptions {
  /** Most lines returned (the last ones), at least 1. */
  readonly maxLines: number;
  /** Most bytes read from the end of the file, at least 1. */
  readonly maxBytes: number;
  /** Keep only lines holding this text, ignoring case; applied to the bytes read. */
  readonly filter?: string | undefined;
}

/** The tail of a file as text. */
export interface TailReadResult {
  readonly content: string;
  /** True when the file holds more than `content`: older bytes not read, lines left out. */
  readonly truncated: boolean;
  /** Size of the file when it was read, in bytes. */
  readonly fileByteLength: number;
  /** UTF-8 bytes of `content`. */
  readonly returnedByteLength: number;
}

const NEWLINE = 0x0a;

/** Where the first whole character starts: UTF-8 continuation bytes (10xxxxxx) are skipped. */
const firstCharacterStart = (bytes: Buffer): number => {
  let start = 0;
  while (start < bytes.length && start < 4 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start += 1;
  return start;
};

/**
 * Reads the last lines of an open file without reading the rest: only the final `maxBytes` bytes
 * are read (one positioned read, so memory stays at `maxBytes` whatever the file's size), a first
 * line cut by that window is dropped, and the last `maxLines` lines (of those holding `filter`,
 * when given) are returned. The text is never parsed, so a log of any format reads the same.
 */
export const readTail = async (file: FileHandle, options: TailReadOptions): Promise<TailReadResult> => {
  const { size } = await file.stat();
  const length = Math.min(size, Math.max(1, options.maxBytes));
  const start = size - length;
  const window = Buffer.alloc(length);
  let read = 0;
  // A file that shrank after the stat (a truncation) gives fewer bytes; what was read is kept.
  while (read < length) {
    const { bytesRead } = await file.read(window, read, length - read, start + read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  let bytes = window.subarray(0, read);
  let cut = start > 0;
  if (start > 0) {
    // The window began inside a line: that partial line is dropped, unless it is the only one.
    const newline = bytes.indexOf(NEWLINE);
    bytes = newline >= 0 && newline < bytes.length - 1 ? bytes.subarray(newline + 1) : bytes;
    bytes = bytes.subarray(firstCharacterStart(bytes));
  }
  const text = bytes.toString('utf8');
  const endsWithNewline = text.endsWith('\n');
  let lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  if (text === '') lines = [];
  const needle = options.filter?.toLowerCase();
  if (needle) {
    const matching = lines.filter((line) => line.toLowerCase().includes(needle));
    if (matching.length !== lines.length) cut = true;
    lines = matching;
  }
  const maxLines = Math.max(1, options.maxLines);
  if (lines.length > maxLines) {
    lines = lines.slice(lines.length - maxLines);
    cut = true;
  }
  const content = lines.length === 0 ? '' : `${lines.join('\n')}${endsWithNewline || needle ? '\n' : ''}`;
  return {
    content,
    truncated: cut,
    fileByteLength: size,
    returnedByteLength: Buffer.byteLength(content),
  };
};
