import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** A response body as read: its decoded bytes, or why reading stopped. */
export type OutboundBody =
  | { readonly kind: 'read'; readonly bytes: Buffer }
  | {
      readonly kind: 'too-large';
      readonly maxBytes: number;
      /** The decoded bytes read before the cap was passed (at most `maxBytes`). */
      readonly prefix: Buffer;
    }
  | { readonly kind: 'undecodable'; readonly encoding: string; readonly message: string };

const decoderOf = (encoding: string): Transform | null => {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
};

/** The decoders of a `content-encoding` list, last applied first; none when one is unknown. */
const decodersOf = (contentEncoding: string | undefined) => {
  const stages = (contentEncoding ?? '')
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '' && part !== 'identity')
    .reverse()
    .map((encoding) => ({ encoding, decoder: decoderOf(encoding) }));
  const known = stages.flatMap(({ encoding, decoder }) => (decoder ? [{ encoding, decoder }] : []));
  if (known.length === stages.length) return known;
  for (const stage of known) stage.decoder.destroy();
  return [];
};

/**
 * Reads a response body with a cap counted after decompression: a few hundred kilobytes of gzip
 * can expand to gigabytes, so the decoded bytes are counted as they stream and reading stops (the
 * socket and decoders destroyed) the moment the cap is passed, before the whole body is held.
 * An unknown encoding leaves the bytes as they came. Rejects on a transport failure mid-body,
 * as the request itself does before the headers.
 */
export const readBoundedBody = (
  source: Readable,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<OutboundBody> => {
  const stages = decodersOf(contentEncoding);
  let stream: Readable = source;
  for (const stage of stages) stream = stream.pipe(stage.decoder);
  const destroyAll = () => {
    source.destroy();
    for (const stage of stages) stage.decoder.destroy();
  };
  return new Promise<OutboundBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      finish();
    };
    const stop = (outcome: OutboundBody) =>
      settle(() => {
        destroyAll();
        resolve(outcome);
      });
    for (const { encoding, decoder } of stages)
      decoder.on('error', (error: Error) => stop({ kind: 'undecodable', encoding, message: error.message }));
    source.on('error', (error: Error) =>
      settle(() => {
        destroyAll();
        reject(error);
      }),
    );
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      if (total > maxBytes) stop({ kind: 'too-large', maxBytes, prefix: Buffer.concat(chunks) });
      else chunks.push(chunk);
    });
    stream.on('end', () => settle(() => resolve({ kind: 'read', bytes: Buffer.concat(chunks, total) })));
    source.on('close', () => {
      // A source closed before its end is a cut-off body; after its end the decoders finish it.
      if (source.readableEnded) return;
      settle(() => {
        destroyAll();
        reject(new Error('The connection closed before the response body ended.'));
      });
    });
  });
};
