import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBoundedBody } from './outbound-body.ts';

describe('readBoundedBody', () => {
  it('decodes gzip and counts the decoded bytes against the cap', async () => {
    const packed = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(packed.length).toBeLessThan(128 * 1024);
    const body = await readBoundedBody(Readable.from([packed]), 'gzip', 1024 * 1024);
    expect(body).toMatchObject({ kind: 'too-large', maxBytes: 1024 * 1024 });
    expect(body.kind === 'too-large' && body.prefix.length).toBeLessThanOrEqual(1024 * 1024);
    const small = await readBoundedBody(Readable.from([gzipSync('hello')]), 'GZIP', 1024);
    expect(small.kind === 'read' && small.bytes.toString()).toBe('hello');
  });

  it('reports a body that is not what its encoding says', async () => {
    const body = await readBoundedBody(Readable.from([Buffer.from('not gzip')]), 'gzip', 1024);
    expect(body.kind).toBe('undecodable');
  });

  it('leaves an unknown encoding as it came', async () => {
    const body = await readBoundedBody(Readable.from([Buffer.from('raw')]), 'zz-custom', 1024);
    expect(body.kind === 'read' && body.bytes.toString()).toBe('raw');
  });
});
