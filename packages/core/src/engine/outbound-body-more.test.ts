import { PassThrough, Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBoundedBody } from './outbound-body.ts';

const text = (body: Awaited<ReturnType<typeof readBoundedBody>>) =>
  body.kind === 'read' ? body.bytes.toString('utf8') : `(${body.kind})`;

describe('readBoundedBody: encodings', () => {
  it.each([
    ['gzip', gzipSync('hello')],
    ['x-gzip', gzipSync('hello')],
    ['deflate', deflateSync('hello')],
    ['br', brotliCompressSync('hello')],
    ['identity', Buffer.from('hello')],
    [undefined, Buffer.from('hello')],
    ['', Buffer.from('hello')],
  ])('decodes %s', async (encoding, bytes) => {
    expect(text(await readBoundedBody(Readable.from([bytes]), encoding, 1024))).toBe('hello');
  });

  it('undoes a list of encodings last first, ignoring case and spaces', async () => {
    const twice = brotliCompressSync(gzipSync('layered'));
    expect(text(await readBoundedBody(Readable.from([twice]), ' GZIP , br ', 1024))).toBe('layered');
  });

  it('leaves the whole body as it came when one encoding of a list is unknown', async () => {
    const packed = gzipSync('kept');
    const body = await readBoundedBody(Readable.from([packed]), 'gzip, zz-custom', 1024);
    expect(body.kind === 'read' && body.bytes.equals(packed)).toBe(true);
  });

  it('names the encoding a body could not be decoded as', async () => {
    const body = await readBoundedBody(Readable.from([Buffer.from('not deflate')]), 'deflate', 1024);
    expect(body).toMatchObject({ kind: 'undecodable', encoding: 'deflate' });
    expect(body.kind === 'undecodable' && body.message.length).toBeGreaterThan(0);
  });
});

describe('readBoundedBody: the cap', () => {
  it('reads a body of exactly the cap, and stops one byte past it with what came before', async () => {
    const exact = await readBoundedBody(
      Readable.from([Buffer.alloc(8, 97), Buffer.alloc(8, 98)]),
      undefined,
      16,
    );
    expect(text(exact)).toBe('aaaaaaaabbbbbbbb');
    const over = await readBoundedBody(
      Readable.from([Buffer.alloc(8, 97), Buffer.alloc(8, 98), Buffer.from('c')]),
      undefined,
      16,
    );
    expect(over.kind).toBe('too-large');
    expect(over.kind === 'too-large' && over.prefix.toString()).toBe('aaaaaaaabbbbbbbb');
    expect(over.kind === 'too-large' && over.maxBytes).toBe(16);
  });
});

describe('readBoundedBody: transport', () => {
  it('rejects a body whose connection closes before its end', async () => {
    const source = new PassThrough();
    const reading = readBoundedBody(source, undefined, 1024);
    source.write('part');
    source.destroy();
    await expect(reading).rejects.toThrow('The connection closed before the response body ended.');
  });

  it('rejects with the error of a failing source', async () => {
    const source = new PassThrough();
    const reading = readBoundedBody(source, undefined, 1024);
    source.destroy(new Error('socket reset'));
    await expect(reading).rejects.toThrow('socket reset');
  });
});
