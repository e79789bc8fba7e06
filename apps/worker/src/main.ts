import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '@tempo/core/logging';
import { SettingsError } from '@tempo/core/settings';
import { loadWorkerSettings } from './load-worker-settings.ts';
import { startWorker } from './start-worker.ts';

/** This build's version, from the package manifest. */
const version = (): string => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? '0.0.0';
};

/** Resolves on the first SIGINT or SIGTERM; a second one ends the process at once (130). */
const shutdownSignal = (): Promise<NodeJS.Signals> =>
  new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) process.exit(130);
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  });

/**
 * The worker process: `--config <file>` (else `TEMPO_WORKER_SETTINGS_FILE`, else
 * `./tempo.worker.json`). Exit codes: 0 after a graceful stop, 2 for unusable settings.
 */
const main = async (): Promise<number> => {
  const stopped = shutdownSignal();
  let configFlag: string | undefined;
  try {
    configFlag = parseArgs({ options: { config: { type: 'string' } }, strict: true }).values.config;
  } catch (error) {
    process.stderr.write(`tempo worker: ${(error as Error).message}\n`);
    return 2;
  }
  let loaded: ReturnType<typeof loadWorkerSettings>;
  try {
    loaded = loadWorkerSettings({ configFlag, env: process.env });
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`tempo worker: ${error.message}\n`);
    return 2;
  }
  const { settings, filePath, warnings } = loaded;
  const log = createLogger({
    name: 'tempo-worker',
    console: settings.logging.consoleLogging,
    file: settings.logging.fileLogging
      ? { directory: settings.logging.logDirectory, filename: settings.logging.logFilename }
      : null,
  }).child({ workerId: settings.workerId });
  for (const warning of warnings) log.warn({ settingsFile: filePath }, warning);
  const daemon = await startWorker({ settings, settingsFile: filePath, log, version: version() });
  const signal = await stopped;
  log.info({ signal, activeRuns: daemon.activeRuns }, 'stop signal received');
  await daemon.stop(settings.shutdownGraceMs);
  log.info('worker stopped');
  // Lets the buffered log streams drain before the process ends.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return 0;
};

process.exitCode = await main();
process.exit();
