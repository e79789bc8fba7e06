import { hostname } from 'node:os';
import { REDACTED, type RuntimeDescriptor, type TempoSettings } from '@tempo/contracts';
import { createLogger, type Logger } from '@tempo/core/logging';
import { BuiltinStepRegistry, probeRuntimeCatalog } from '@tempo/core/runtimes';
import { assertSecretKeysPresent, createSecretSealer, loadSecretKeyring } from '@tempo/core/secrets';
import { seedDatabase } from '@tempo/core/seeding';
import { assertUsableAuthSecrets } from '@tempo/core/settings';
import { checkSqliteIntegrity, openDatabase } from '@tempo/core/store';
import type { Telemetry } from '@tempo/core/telemetry';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { seedSampleArtifacts } from './artifacts/sample-artifacts.ts';
import { DispatchCoordinator } from './dispatch/dispatch-coordinator.ts';
import { InstanceLocks, lockableDatabaseFileOf } from './dispatch/instance-locks.ts';
import { SchedulerRole } from './dispatch/scheduler-role.ts';
import { createExecutionServices } from './execution-services.ts';
import { migrateInlineRest } from './resources/inline-rest-migration.ts';
import { RetentionSweeper } from './retention/retention-sweeper.ts';
import { ServerInstance } from './runs/server-instance.ts';
import { registerSampleBuiltins, sampleSteps } from './sample-builtins.ts';
import { createServerContext } from './server-context.ts';
import { SERVER_VERSION } from './server-version.ts';
import {
  authAttemptRecorder,
  observeProcessHost,
  startQueueDepthSampler,
  startServerTelemetry,
} from './telemetry/server-telemetry.ts';
import { attachWorkerEndpoint } from './workers/worker-endpoint.ts';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Validated settings with every path already absolute. */
  readonly settings: TempoSettings;
  /** The settings file the settings came from, hidden from handlers like the server's other files. */
  readonly settingsFile?: string;
  /** Called once with the seeded credential's access key on the start that created it. */
  readonly onSeededAccessKey?: (accessKey: string) => void;
  /**
   * The runtime catalog of `probeRuntimeCatalog(settings)`, when the caller started the probe
   * already (the CLI does, before this package's modules load); probed here otherwise.
   */
  readonly runtimeCatalog?: Promise<readonly RuntimeDescriptor[]>;
}

/** A listening server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8901`. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly log: Logger;
  /**
   * Stops listening, lets running runs finish within `engine.shutdownGracePeriodMs` (then stops
   * them), leaves queued runs queued, closes the database and flushes the logs.
   */
  close(): Promise<void>;
}

/**
 * Starts the control plane: logger, database (migrated), seeding, then the HTTP listener on
 * `rest.hostname:rest.port`.
 */
export const startServer = async (options: StartServerOptions): Promise<RunningServer> => {
  const { settings } = options;
  // The CLI already generated or refused these; checked again for anyone embedding the server.
  assertUsableAuthSecrets(settings.auth, () => 'settings');
  const log = createLogger({
    name: 'tempo-server',
    console: settings.logging.consoleLogging,
    file: settings.logging.fileLogging
      ? { directory: settings.logging.logDirectory, filename: settings.logging.logFilename }
      : null,
  });
  // Stored secrets are sealed under this keyring (generated into the key file on first start).
  const secrets = loadSecretKeyring(settings.secrets);
  const sealer = createSecretSealer(secrets.keyring, REDACTED);
  // The interpreters answer --version in child processes of their own (dotnet alone takes a few
  // hundred milliseconds): they are asked first and awaited only where seeding needs them.
  const runtimeProbe = options.runtimeCatalog ?? probeRuntimeCatalog(settings);
  const database = await openDatabase(settings.database, sealer);
  let instance: ServerInstance | undefined;
  let locks: InstanceLocks | null = null;
  let schedulerRole: SchedulerRole | undefined;
  let telemetry: Telemetry | undefined;
  try {
    // First, so the runs recovered below are already measured; never fails the start.
    telemetry = await startServerTelemetry(settings, log, SERVER_VERSION);
    const migration = await database.migrate();
    log.info({ applied: migration.applied, version: migration.version }, 'database ready');
    await assertSecretKeysPresent(database.repositories, sealer);
    log.info({ keyId: secrets.keyring.currentKeyId, created: secrets.created }, 'secrets keyring ready');
    const builtins = new BuiltinStepRegistry();
    registerSampleBuiltins(builtins);
    // Before the catalog is awaited: the host's isolation probe runs beside the interpreters'.
    const { artifacts, runs, processHost } = createExecutionServices(
      settings,
      database.repositories,
      builtins,
      log,
      options.settingsFile,
      telemetry,
    );
    observeProcessHost(telemetry, processHost);
    const runtimeCatalog = await runtimeProbe;
    const seed = await seedDatabase(
      {
        repositories: database.repositories,
        log,
        sampleSteps: sampleSteps(settings, runtimeCatalog),
        credentialHashKey: settings.auth.credentialHashKey,
      },
      settings.hydration,
    );
    if (seed.seededAccessKey) options.onSeededAccessKey?.(seed.seededAccessKey);
    if (settings.hydration.seedDefaults)
      await seedSampleArtifacts(database.repositories, artifacts, runtimeCatalog, log);
    // Leftovers of a crash and blobs no row names go, beside the start, then a pass every interval.
    const artifactHousekeeping = artifacts.startHousekeeping(log);
    // Spec: the start-up migrator turns legacy inline REST transitions into steps, as the route does.
    const inlineRest = await migrateInlineRest(database.repositories);
    if (inlineRest.inlineRestStepsFound > 0) {
      log.info(
        { flowsUpdated: inlineRest.flowsUpdated, steps: inlineRest.inlineRestStepsFound },
        'inline REST transitions migrated',
      );
    }
    // Held before the row exists, so no server on this SQLite file sees the row with a free lock.
    const lockable = lockableDatabaseFileOf(settings.database);
    locks = lockable ? InstanceLocks.hold(lockable, log) : null;
    // Spec: every server keeps a server_instances row; the runs it starts name it as their owner,
    // so recovery ends only the runs of dead servers, never those of a live one on this database.
    const owner = await ServerInstance.register({
      repositories: database.repositories,
      log,
      address: `${hostname()} ${settings.rest.hostname}:${settings.rest.port}`,
      version: SERVER_VERSION,
      heartbeatTimeoutMs: settings.engine.workerHeartbeatTimeoutMs,
    });
    instance = owner;
    locks?.publish(owner.id);
    // Handlers of a crashed server still run and hold scratch folders: gone before runs restart.
    const leftovers = await processHost.clearLeftovers();
    if (leftovers.processesKilled + leftovers.scratchFoldersRemoved > 0)
      log.warn(leftovers, 'handler leftovers of a stopped server cleared');
    const { mode, reason, limitsApply } = processHost.isolation;
    log.info({ handlerIsolation: mode, reason, handlerLimitsApply: limitsApply }, 'handler isolation chosen');
    const context = createServerContext({
      settings,
      repositories: database.repositories,
      log,
      builtins,
      runtimeCatalog,
      runs,
      artifacts,
      processHost,
      version: SERVER_VERSION,
      settingsFile: options.settingsFile,
    });
    // One scheduler among the servers sharing the database, through a lease: the others serve
    // the API and triggers, and refuse workers.
    const role = new SchedulerRole({
      repositories: database.repositories,
      log,
      instanceId: owner.id,
      leaseMs: settings.engine.schedulerLeaseMs,
      pollIntervalMs: settings.engine.pollIntervalMs,
      allowDuplicateScheduler: settings.engine.allowDuplicateScheduler,
      locks,
    });
    schedulerRole = role;
    await role.start();
    // One coordinator places every run (spec §1); attached before recovery, which leaves it the
    // queued runs.
    const dispatch = new DispatchCoordinator({
      repositories: database.repositories,
      sessions: context.workers.sessions,
      engine: settings.engine,
      local: runs.local,
      completions: runs.completions,
      log,
      role,
    });
    runs.attachDispatch(dispatch);
    await runs.recover(owner);
    await dispatch.start();
    // The pseudo-worker is listed like any worker while this server executes runs (spec §1).
    await context.workers.admin.registerLocalServer();
    context.authenticator.onAttempt(authAttemptRecorder(telemetry));
    const queueDepth = startQueueDepthSampler({
      telemetry,
      repositories: database.repositories,
      log,
      intervalMs: settings.engine.queueDepthSampleIntervalMs,
    });
    const app = await buildApp(context, telemetry);
    const workerEndpoint = attachWorkerEndpoint({
      server: app.server,
      sessions: context.workers.sessions,
      workers: context.workers.admin,
      log,
    });
    context.workers.sessions.start();
    await app.listen({ host: settings.rest.hostname, port: settings.rest.port });
    // Once listening: the check reads the whole file on a thread of its own, which on a small
    // machine would otherwise take its CPU from the start (a quarter of a second per 140 MB).
    const { filename } = settings.database;
    if (settings.database.type === 'Sqlite' && filename !== ':memory:')
      void checkSqliteIntegrity(filename).then((report) =>
        report.ok
          ? log.info({ durationMs: report.durationMs }, 'database integrity check passed')
          : log.error(
              { problems: report.problems },
              'database integrity check FAILED: stop the server and restore the database from a backup',
            ),
      );
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : settings.rest.port;
    const url = `http${settings.rest.ssl ? 's' : ''}://${settings.rest.hostname}:${port}`;
    // Bound to the address now, so whatever server was recorded under it before has stopped: its
    // runs are ended at once rather than after its heartbeat goes stale. Port 0 names no address.
    if (settings.rest.port !== 0 && (await owner.retirePrevious()) > 0) await runs.sweepInterrupted();
    // Request history and runs past their retention, in batches, beside the requests.
    const retention = new RetentionSweeper({ repositories: database.repositories, log, settings });
    retention.start();
    log.info({ url }, 'tempo server listening');
    const serverTelemetry = telemetry;
    return {
      url,
      app,
      log,
      close: async () => {
        // Stop taking work first, then give running runs the grace period; queued runs are not
        // waited for, the next start's recovery schedules them again.
        log.info({ graceMs: settings.engine.shutdownGracePeriodMs }, 'tempo server stopping');
        queueDepth.stop();
        // Workers first: each is sent `drain` (server_stopped) and its session marked ended.
        workerEndpoint.close();
        dispatch.stop();
        await context.workers.sessions.stop();
        // Their attempts are queued again by now: the next holder takes the role at once.
        await role.stop();
        const closing = app.close();
        await runs.shutdown(settings.engine.shutdownGracePeriodMs);
        // No run can call a handler now: the warm ones end.
        await processHost.close();
        await artifactHousekeeping.stop();
        await retention.stop();
        // A sync trigger still waiting on a run that will not start now would hold the listener
        // open for its whole budget: its connection is cut instead (the run stays queued).
        app.server.closeAllConnections();
        await closing;
        // Last, once no run of this server can still write: a run it could not end is then
        // recoverable at once by any server, as its owner's row is gone.
        await owner.close();
        locks?.release(owner.id);
        await context.workers.admin
          .stopLocalServer()
          .catch((error: unknown) => log.warn({ err: error }, 'pseudo-worker row not marked offline'));
        await database.close();
        // The last spans and metrics go out within a bound, whether or not a collector answers.
        await serverTelemetry.shutdown();
        log.flush();
      },
    };
  } catch (error) {
    await schedulerRole?.stop().catch(() => undefined);
    await instance?.close().catch(() => undefined);
    locks?.release(instance?.id ?? null);
    await database.close().catch(() => undefined);
    await telemetry?.shutdown();
    throw error;
  }
};
