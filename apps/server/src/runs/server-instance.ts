import { newId } from '@tempo/core/ids';
import type { Logger } from '@tempo/core/logging';
import { op, type Repositories } from '@tempo/core/store';

/** Options of {@link ServerInstance.register}. */
export interface ServerInstanceOptions {
  readonly repositories: Repositories;
  readonly log: Logger;
  /**
   * Where this server answers, as `host:port`: a server started again at the same address is the
   * next incarnation of the one recorded under it, so it may end that one's runs at once.
   */
  readonly address: string;
  readonly version: string;
  /** `engine.workerHeartbeatTimeoutMs`: silence after which an instance counts as dead. */
  readonly heartbeatTimeoutMs: number;
}

const now = () => new Date().toISOString();

/**
 * This server's row in `server_instances` (spec: one per running replica), kept fresh by a
 * heartbeat. Runs record the instance that executes them, so recovery can tell the runs of a
 * dead server from those of a live one sharing the database.
 */
export class ServerInstance {
  /** The `srv_` id of this process's row. */
  readonly id = newId('serverInstance');
  readonly #options: ServerInstanceOptions;
  readonly #passes: (() => Promise<void>)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<void> = Promise.resolve();

  private constructor(options: ServerInstanceOptions) {
    this.#options = options;
  }

  /** Writes this server's row and starts its heartbeat. */
  static async register(options: ServerInstanceOptions): Promise<ServerInstance> {
    const instance = new ServerInstance(options);
    await instance.#writeRow();
    // A third of the timeout: two heartbeats may be lost before others think this server dead.
    const periodMs = Math.max(250, Math.floor(options.heartbeatTimeoutMs / 3));
    instance.#timer = setInterval(() => {
      instance.#pass = instance.#pass.then(() => instance.#beat());
    }, periodMs);
    instance.#timer.unref();
    options.log.info(
      { serverInstanceId: instance.id, address: options.address },
      'server instance registered',
    );
    return instance;
  }

  /** Adds work done after every heartbeat (the recovery sweep); it must not throw. */
  onHeartbeat(pass: () => Promise<void>): void {
    this.#passes.push(pass);
  }

  /**
   * Ids of the instances whose heartbeat is recent, this one included. Another server counts as
   * dead only after twice the timeout without a heartbeat: ending its runs is not undone, so a
   * server whose event loop was held for a while is given a wide margin.
   */
  async liveIds(): Promise<ReadonlySet<string>> {
    const cutoff = new Date(Date.now() - 2 * this.#options.heartbeatTimeoutMs).toISOString();
    const rows = await this.#options.repositories.serverInstances.find({
      lastHeartbeatUtc: op.range({ gte: cutoff }),
    });
    return new Set([this.id, ...rows.map((row) => row.id)]);
  }

  /**
   * Removes the rows of earlier servers at this address: this process now listens there, so they
   * have stopped, however fresh their last heartbeat. Call it once the listener is bound.
   */
  async retirePrevious(): Promise<number> {
    const { repositories, address, log } = this.#options;
    const removed = await repositories.serverInstances.deleteWhere({
      hostName: address,
      id: op.not(this.id),
    });
    if (removed > 0) log.info({ removed, address }, 'earlier server instances at this address retired');
    return removed;
  }

  /** Stops the heartbeat and removes the row, so the runs this server leaves behind are recoverable at once. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#pass;
    await this.#options.repositories.serverInstances.delete(this.id);
  }

  async #writeRow(): Promise<void> {
    const { repositories, address, version } = this.#options;
    const stamp = now();
    await repositories.serverInstances.create({
      id: this.id,
      startedUtc: stamp,
      lastHeartbeatUtc: stamp,
      version,
      hostName: address,
    });
  }

  async #beat(): Promise<void> {
    const { repositories, log } = this.#options;
    try {
      const touched = await repositories.serverInstances.updateWhere(
        { id: this.id },
        { lastHeartbeatUtc: now() },
      );
      // Another server took this one for dead (a heartbeat gap longer than the timeout): its runs
      // were ended there, and the guarded run updates here keep them ended; the row comes back.
      if (touched === 0) {
        log.warn({ serverInstanceId: this.id }, 'server instance row was missing; registering it again');
        await this.#writeRow();
      }
    } catch (error) {
      log.error({ err: error, serverInstanceId: this.id }, 'server heartbeat could not be written');
    }
    for (const pass of this.#passes) await pass();
  }
}
