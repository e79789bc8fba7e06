import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { WorkerConnection } from './worker-connection.ts';

let server: WebSocketServer | null = null;
let client: WebSocket | null = null;

afterEach(async () => {
  client?.terminate();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = client = null;
});

/** A promise and the function that settles it. */
const settable = () => {
  let resolve = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
};

/** A real WebSocket pair on loopback: the server side wrapped as a connection, and the client. */
const connectedPair = async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const accepted = once(server, 'connection');
  client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await once(client, 'open');
  const [socket, request] = (await accepted) as [WebSocket, IncomingMessage];
  return {
    connection: new WorkerConnection('wrk_test', socket, request.socket, '127.0.0.1'),
    socket,
    client,
  };
};

describe('WorkerConnection', () => {
  it('runs its tasks one after another, in order', async () => {
    const { connection } = await connectedPair();
    const order: number[] = [];
    const done = settable();
    for (const index of [1, 2, 3])
      connection.enqueue(async () => {
        await new Promise((resolve) => setTimeout(resolve, 10 - index * 3));
        order.push(index);
        if (index === 3) done.resolve();
      });
    await done.promise;
    expect(order).toEqual([1, 2, 3]);
  });

  it('stops reading its socket while too many frames wait, and reads again once they are handled', async () => {
    const { connection, socket, client: peer } = await connectedPair();
    const release = settable();
    const handled: string[] = [];
    socket.on('message', (data) =>
      connection.enqueue(async () => {
        await release.promise;
        handled.push(data.toString());
      }),
    );
    // 2 MB of frames: far more than one read of the socket, which is handled whole once read.
    const frames = Array.from({ length: 2000 }, (_, index) => `frame ${index} ${'x'.repeat(1000)}`);
    for (const frame of frames) peer.send(frame);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(socket.isPaused).toBe(true);
    expect(connection.queued.tasks).toBeGreaterThan(64);
    expect(connection.queued.tasks).toBeLessThan(500);
    release.resolve();
    await expect.poll(() => handled.length, { timeout: 10_000 }).toBe(2000);
    expect(handled).toEqual(frames);
    expect(socket.isPaused).toBe(false);
    expect(connection.queued).toEqual({ tasks: 0, bytes: 0 });
  });

  it('stops reading its socket while the frames waiting pass 8 MiB, however few they are', async () => {
    const { connection, socket, client: peer } = await connectedPair();
    const release = settable();
    let handled = 0;
    socket.on('message', (data: Buffer) =>
      connection.enqueue(async () => {
        await release.promise;
        handled += 1;
      }, data.length),
    );
    const frame = 'y'.repeat(3 * 1024 * 1024);
    for (let index = 0; index < 10; index++) peer.send(frame);
    await expect.poll(() => connection.queued.tasks, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(socket.isPaused).toBe(true);
    // Three frames pass the bound; the one being read when the socket paused may still arrive.
    expect(connection.queued.tasks).toBeLessThanOrEqual(4);
    expect(connection.queued.bytes).toBeGreaterThan(8 * 1024 * 1024);
    release.resolve();
    await expect.poll(() => handled, { timeout: 10_000 }).toBe(10);
    expect(socket.isPaused).toBe(false);
    expect(connection.queued).toEqual({ tasks: 0, bytes: 0 });
  });
});
