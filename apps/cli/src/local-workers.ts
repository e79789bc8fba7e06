import { join } from 'node:path';
import { LOCAL_SERVER_WORKER_ID, type TempoSettings } from '@tempo/contracts';
import type { ListeningServer } from './commands/server-command.ts';
import { UsageError } from './flags.ts';
import { ADMIN_API_KEY_VARIABLE } from './local-admin-key.ts';
import {
  localWorkerFolder,
  localWorkerGraceMs,
  localWorkerIds,
  localWorkerSettings,
  writeLocalWorkerSettings,
} from './local-worker-settings.ts';
import { type LocalWorkerSpec, LocalWorkerSupervisor } from './local-worker-supervisor.ts';
import { type LocalWorkerTemplate, PER_WORKER_FIELDS } from './local-worker-template.ts';
import { issueWorkerToken, waitForHealth } from './local-worker-tokens.ts';

/** Added to a worker's own grace before `up` kills it: time to report its runs and exit. */
const STOP_MARGIN_MS = 10_000;

/** Listen addresses that mean "every interface": local workers reach such a server on loopback. */
const WILDCARD_HOSTS: Readonly<Record<string, string>> = {
  '0.0.0.0': '127.0.0.1',
  '*': '127.0.0.1',
  '::': '::1',
};

/** The base URL a worker on this machine reaches the server at. */
export const loopbackEndpoint = (hostname: string, port: number): string => {
  const host = WILDCARD_HOSTS[hostname] ?? hostname;
  // The server terminates no TLS itself (`rest.ssl` only says how URLs are reported).
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
};

/**
 * The server's settings for an `up --workers N` start: its own execution off, in memory only,
 * so the settings file (and a later `up` without the flag) keeps the single-process stack.
 * @throws UsageError when the administrator key is blank: the workers' tokens are issued with it.
 */
export const withoutServerExecution = (settings: TempoSettings, settingsFile: string): TempoSettings => {
  if (settings.auth.adminApiKey === '')
    throw new UsageError(
      `--workers: the workers' tokens are issued with the administrator key, and auth.adminApiKey is blank (in ${settingsFile}, or set blank by ${ADMIN_API_KEY_VARIABLE}); set a random one (e.g. the output of "openssl rand -base64 32") or start without --workers.`,
    );
  return { ...settings, engine: { ...settings.engine, serverCanExecuteWorkload: false } };
};

/** Options of {@link startLocalWorkers}. */
export interface StartLocalWorkersOptions {
  readonly count: number;
  readonly dataDir: string;
  readonly settingsFile: string;
  readonly server: ListeningServer;
  /** `--worker-settings`: the file every worker starts from. */
  readonly template?: LocalWorkerTemplate | undefined;
  /** Receives each line to print, without the `tempo: up: ` prefix. */
  readonly report: (line: string) => void;
}

/** Local workers that run: how to stop them and the lines that say where they are. */
export interface LocalWorkers {
  readonly supervisor: LocalWorkerSupervisor;
  readonly lines: readonly string[];
}

/**
 * Starts `count` local workers beside a listening server: waits for its health route, issues
 * each worker a new token (registering `wrk_local_1..N` on the first start), writes each
 * `workers/<id>/tempo.worker.json` owner-only, and starts the worker processes.
 */
export const startLocalWorkers = async (options: StartLocalWorkersOptions): Promise<LocalWorkers> => {
  const { server, dataDir } = options;
  const { settings } = server;
  const endpoint = loopbackEndpoint(settings.rest.hostname, server.port);
  await waitForHealth(endpoint);
  const specs: LocalWorkerSpec[] = [];
  for (const workerId of localWorkerIds(options.count)) {
    const issued = await issueWorkerToken(endpoint, settings.auth.adminApiKey, workerId);
    const folder = localWorkerFolder(dataDir, workerId);
    const workerSettings = localWorkerSettings({
      server: settings,
      serverSettingsFile: options.settingsFile,
      serverEndpoint: endpoint,
      workerId,
      workerToken: issued.token,
      folder,
      template: options.template?.settings,
    });
    specs.push({ workerId, settingsFile: writeLocalWorkerSettings(folder, workerSettings) });
  }
  const supervisor = new LocalWorkerSupervisor({
    workers: specs,
    stopTimeoutMs: localWorkerGraceMs(settings, options.template?.settings) + STOP_MARGIN_MS,
    report: options.report,
  });
  supervisor.start();
  const { workerRootPath } = settings.logViewer;
  const lines = [
    `${specs.length} local ${specs.length === 1 ? 'worker runs' : 'workers run'} the flows; the server's own execution (${LOCAL_SERVER_WORKER_ID}) is off for this start only`,
    ...(options.template
      ? [
          `each worker starts from ${options.template.file}; up sets ${PER_WORKER_FIELDS.join(', ')} per worker`,
        ]
      : []),
    ...specs.map(
      ({ workerId, settingsFile }) =>
        `worker ${workerId} (process ${supervisor.pids.get(workerId) ?? 'not started'}): settings with its token in ${settingsFile} (owner-only, new token each start), logs in ${join(workerRootPath, workerId)} (admin log viewer)`,
    ),
  ];
  return { supervisor, lines };
};
