import { type StepRunRecord, WORKER_CONNECT_PATH, WorkerAuthHeaders } from '@tempo/contracts';
import WebSocket from 'ws';

/** A frame the server sent, as parsed JSON. */
export type ReceivedFrame = Record<string, unknown> & { readonly type: string };

/** How a socket ended. */
export interface SocketClose {
  readonly code: number;
  readonly reason: string;
}

/** A worker's side of the WebSocket, for tests: frames seen, frames awaited, the close. */
export interface TestWorkerSocket {
  readonly frames: ReceivedFrame[];
  readonly closed: Promise<SocketClose>;
  /** Resolves to the first frame of `type` (seen already or still to come). */
  next(type: string, timeoutMs?: number): Promise<ReceivedFrame>;
  send(frame: unknown): void;
  sendRaw(data: string | Buffer, binary?: boolean): void;
  close(): void;
}

/** Opens `/v1.0/workers/connect` with the worker headers; resolves once the socket is open. */
export const connectWorker = (baseUrl: string, workerId: string, token: string): Promise<TestWorkerSocket> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${WORKER_CONNECT_PATH}`, {
      headers: { [WorkerAuthHeaders.workerId]: workerId, [WorkerAuthHeaders.workerToken]: token },
    });
    const frames: ReceivedFrame[] = [];
    const waiters: { type: string; resolve: (frame: ReceivedFrame) => void }[] = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ReceivedFrame;
      frames.push(frame);
      for (const waiter of waiters.filter((candidate) => candidate.type === frame.type)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    });
    const closed = new Promise<SocketClose>((resolveClose) =>
      socket.on('close', (code, reason) => resolveClose({ code, reason: reason.toString() })),
    );
    socket.on('error', reject);
    socket.on('open', () =>
      resolve({
        frames,
        closed,
        next: (type, timeoutMs = 10_000) => {
          const seen = frames.find((frame) => frame.type === type);
          if (seen) return Promise.resolve(seen);
          return new Promise((resolveFrame, rejectFrame) => {
            const timer = setTimeout(
              () => rejectFrame(new Error(`no ${type} frame in ${timeoutMs} ms`)),
              timeoutMs,
            );
            waiters.push({
              type,
              resolve: (frame) => {
                clearTimeout(timer);
                resolveFrame(frame);
              },
            });
          });
        },
        send: (frame) => socket.send(JSON.stringify(frame)),
        sendRaw: (data, binary = false) => socket.send(data, { binary }),
        close: () => socket.close(1000, 'test done'),
      }),
    );
  });

/** A valid hello of `workerId`, with `fields` over the defaults. */
export const helloOf = (workerId: string, fields: object = {}) => ({
  type: 'hello',
  protocolVersion: '1.0',
  workerId,
  name: `${workerId} name`,
  kind: 'Worker',
  version: '9.9.9',
  hostName: 'test-host',
  maxConcurrentRuns: 2,
  maxTaskTimeoutMs: 0,
  labels: ['gpu'],
  capabilities: [{ sourceKind: 'Artifact', runtimeKey: 'Artifact.Process' }],
  ...fields,
});

/** Connects, says hello and waits for the hello-ack; resolves to the socket and its session id. */
export const openSession = async (
  baseUrl: string,
  workerId: string,
  token: string,
  fields: object = {},
): Promise<{ socket: TestWorkerSocket; sessionId: string; ack: ReceivedFrame }> => {
  const socket = await connectWorker(baseUrl, workerId, token);
  socket.send(helloOf(workerId, fields));
  const ack = await socket.next('hello-ack');
  return { socket, sessionId: String(ack.workerSessionId), ack };
};

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export const eventually = async <T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** A whole step run as a worker reports it, with `fields` over the defaults. */
export const stepRunOf = (fields: Partial<StepRunRecord> = {}): StepRunRecord => ({
  id: 'srn_1',
  tenantId: 'ten_1',
  flowRunId: 'run_any',
  dataFlowId: 'dfl_1',
  stepId: 'call',
  sequence: 0,
  result: 'Success',
  nextStepId: null,
  inputData: null,
  outputData: null,
  errorMessage: null,
  artifactId: null,
  artifactVersionId: null,
  artifactVersion: null,
  artifactSha256: null,
  manifestEntrypoint: null,
  executionState: 'Complete',
  protocolVersion: '1.0',
  startedUtc: '2026-12-02T10:00:00.000Z',
  capacityQueuedUtc: null,
  capacityAcquiredUtc: null,
  capacityWaitMs: null,
  completedUtc: null,
  ...fields,
});
