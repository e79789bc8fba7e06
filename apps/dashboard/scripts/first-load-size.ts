import { gzipSync } from 'node:zlib';

/** A chunk as Rollup hands it to `generateBundle`: just what the size report reads. */
export interface ReportedChunk {
  readonly fileName: string;
  readonly isEntry: boolean;
  readonly code: string;
  /** Chunks this one imports statically: they load with it. */
  readonly imports: readonly string[];
}

/** What the first page load costs in JavaScript. */
export interface FirstLoadReport {
  /** The entry chunk and every chunk it pulls in statically, in load order. */
  readonly files: readonly string[];
  readonly rawBytes: number;
  readonly gzipBytes: number;
}

/**
 * The JavaScript a browser must fetch before the first paint: the entry chunk and the closure of
 * its static imports. Lazily imported chunks (workspaces, editor, charts) are not part of it.
 */
export const firstLoadReport = (chunks: readonly ReportedChunk[]): FirstLoadReport => {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const files: string[] = [];
  const visit = (name: string) => {
    const chunk = byName.get(name);
    if (chunk === undefined || files.includes(name)) return;
    files.push(name);
    for (const next of chunk.imports) visit(next);
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName);
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const name of files) {
    const code = byName.get(name)?.code ?? '';
    rawBytes += Buffer.byteLength(code);
    gzipBytes += gzipSync(code, { level: 9 }).length;
  }
  return { files, rawBytes, gzipBytes };
};
