import { rmSync } from 'node:fs';
import type { DatabaseKind } from './database-service.ts';
import { isProcessOf, type OsUser, readPidFile, sleep, spawnDetached } from './process-tools.ts';
import { DatabaseServiceError, ServiceStep } from './service-error.ts';

const POLL_INTERVAL_MS = 200;

/** How to run, recognise, probe and stop one database server that lives in its own folder. */
export interface ServerSpec {
  readonly kind: DatabaseKind;
  /** Appears in the server's command line; tells our process apart from a reused pid. */
  readonly dataDir: string;
  readonly pidFile: string;
  readonly logFile: string;
  /** Left behind by a server that did not shut down cleanly; removed before a fresh start. */
  readonly staleFiles: readonly string[];
  readonly port: number;
  readonly command: string;
  readonly args: readonly string[];
  readonly runAs?: OsUser;
  readonly cwd: string;
  /** The signal that shuts the server down without losing committed data. */
  readonly stopSignal: NodeJS.Signals;
  readonly startTimeoutMs: number;
  /** The port the server reports through its private admin socket; undefined while it does not answer. */
  probe(): Promise<number | undefined>;
  log(line: string): void;
}

/** Whether the server of a folder has a live process (answering or not). */
export const isServerRunning = (spec: StoppableServer): boolean => livePid(spec) !== undefined;

/** Whether {@link ensureServerRunning} found the server answering or had to start it. */
export type ServerStart = 'Reused' | 'Started';

/** What finding and stopping a server's process takes: less than starting it. */
export type StoppableServer = Pick<
  ServerSpec,
  'kind' | 'dataDir' | 'pidFile' | 'logFile' | 'stopSignal' | 'startTimeoutMs' | 'log'
>;

const livePid = (spec: StoppableServer): number | undefined => {
  const pid = readPidFile(spec.pidFile);
  return pid !== undefined && isProcessOf(pid, spec.dataDir) ? pid : undefined;
};

/**
 * Polls the probe until the server answers. `failure` is asked between polls and returns why
 * waiting is pointless (the process died), so a crash is reported at once instead of at timeout.
 */
const waitForAnswer = async (spec: ServerSpec, failure: () => string | undefined): Promise<number> => {
  const deadline = Date.now() + spec.startTimeoutMs;
  for (;;) {
    const port = await spec.probe();
    if (port !== undefined) return port;
    const problem = failure();
    if (problem !== undefined)
      throw new DatabaseServiceError(spec.kind, ServiceStep.Start, problem, spec.logFile);
    if (Date.now() > deadline) {
      const problem = `the server did not accept connections within ${spec.startTimeoutMs} ms`;
      throw new DatabaseServiceError(spec.kind, ServiceStep.Start, problem, spec.logFile);
    }
    await sleep(POLL_INTERVAL_MS);
  }
};

const startFresh = async (spec: ServerSpec): Promise<void> => {
  for (const file of spec.staleFiles) rmSync(file, { force: true });
  const startedMs = Date.now();
  const child = spawnDetached(spec.command, spec.args, {
    logFile: spec.logFile,
    cwd: spec.cwd,
    runAs: spec.runAs,
  });
  let exit: string | undefined;
  child.once('error', (error) => {
    exit = `could not run ${spec.command}: ${error.message}`;
  });
  child.once('exit', (code, signal) => {
    exit = `the server exited during start-up (${signal ?? `exit code ${code}`})`;
  });
  await waitForAnswer(spec, () => exit);
  spec.log(`started on 127.0.0.1:${spec.port} (pid ${child.pid}) in ${Date.now() - startedMs} ms`);
};

/**
 * Makes the server answer on `spec.port`: reuses a running one, waits for one that is still
 * starting, moves one that runs on another port, and starts a stopped one.
 */
export const ensureServerRunning = async (spec: ServerSpec): Promise<ServerStart> => {
  let port = await spec.probe();
  if (port === undefined) {
    const pid = livePid(spec);
    if (pid !== undefined) {
      // Another `./tempo test` may have started it a moment ago, or it is replaying its log.
      spec.log(`process ${pid} is running but not answering yet; waiting for it`);
      port = await waitForAnswer(spec, () =>
        livePid(spec) === undefined ? `process ${pid} exited before it answered` : undefined,
      );
    }
  }
  if (port === spec.port) {
    spec.log(`reusing the server on 127.0.0.1:${port}`);
    return 'Reused';
  }
  if (port !== undefined) {
    spec.log(`the server answers on port ${port}; restarting it on ${spec.port}`);
    await stopServer(spec);
  }
  await startFresh(spec);
  return 'Started';
};

/** Shuts the server down if it runs and waits until its process is gone; a no-op when it is stopped. */
export const stopServer = async (spec: StoppableServer): Promise<void> => {
  const pid = livePid(spec);
  if (pid === undefined) return;
  process.kill(pid, spec.stopSignal);
  const deadline = Date.now() + spec.startTimeoutMs;
  while (isProcessOf(pid, spec.dataDir)) {
    if (Date.now() > deadline) {
      const problem = `process ${pid} did not exit within ${spec.startTimeoutMs} ms of ${spec.stopSignal}`;
      throw new DatabaseServiceError(spec.kind, ServiceStep.Stop, problem, spec.logFile);
    }
    await sleep(POLL_INTERVAL_MS / 4);
  }
  spec.log(`stopped process ${pid}`);
};
