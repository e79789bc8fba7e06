import { afterAll, beforeAll } from 'vitest';
import { TempoClient } from '../tempo-client.ts';
import { RecordingServer } from './recording-server.ts';

/** A recording server and an anonymous client of it, shared by the tests of one file. */
export class RecordingBench {
  #server: RecordingServer | null = null;
  #client: TempoClient | null = null;

  /** The server; only inside tests, once `beforeAll` has started it. */
  get server(): RecordingServer {
    if (!this.#server) throw new Error('the recording server is not started yet');
    return this.#server;
  }

  /** An anonymous client of {@link RecordingBench.server}. */
  get client(): TempoClient {
    if (!this.#client) throw new Error('the recording server is not started yet');
    return this.#client;
  }

  /** Starts the server and builds the client. */
  async start(): Promise<void> {
    this.#server = await RecordingServer.start();
    this.#client = new TempoClient({ baseUrl: this.#server.baseUrl });
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    await this.#server?.close();
  }
}

/** Starts a {@link RecordingBench} before the file's tests and stops it after them. */
export const useRecordingServer = (): RecordingBench => {
  const bench = new RecordingBench();
  beforeAll(() => bench.start());
  afterAll(() => bench.stop());
  return bench;
};
