import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { assertPortFree, PortUnavailableError } from './port-check.ts';

let holder: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve()));
  holder = undefined;
});

const occupiedPort = (): Promise<number> =>
  new Promise((resolve) => {
    holder = createServer();
    holder.listen(0, '127.0.0.1', () => {
      const address = holder?.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

describe('assertPortFree', () => {
  it('reports a port in use with its address and how to choose another', async () => {
    const port = await occupiedPort();
    const failure = await assertPortFree('127.0.0.1', port).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PortUnavailableError);
    expect(failure).toMatchObject({ port, hostname: '127.0.0.1', reason: 'EADDRINUSE' });
    expect((failure as Error).message).toMatch(
      new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*--port N`),
    );
  });

  it('lets a free port go again, so the server can bind it', async () => {
    const port = await occupiedPort();
    await new Promise<void>((resolve) => holder?.close(() => resolve()));
    holder = undefined;
    await assertPortFree('127.0.0.1', port);
    // Bound and released: binding once more works.
    await assertPortFree('127.0.0.1', port);
  });

  it('needs no check for port 0', async () => {
    await expect(assertPortFree('127.0.0.1', 0)).resolves.toBeUndefined();
  });
});
