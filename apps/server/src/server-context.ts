import type { RuntimeDescriptor, TempoSettings } from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import type { ProcessHandlerHost } from '@tempo/core/process-host';
import type { BuiltinStepRegistry } from '@tempo/core/runtimes';
import type { Repositories } from '@tempo/core/store';
import type { ArtifactService } from './artifacts/artifact-service.ts';
import { SourceBuildGate } from './artifacts/source-build-gate.ts';
import { AuditRecorder } from './audit/audit-recorder.ts';
import { Authenticator } from './auth/authenticator.ts';
import { Authorizer } from './auth/authorizer.ts';
import { LoginLimiter } from './auth/login-throttle.ts';
import { TokenCodec } from './auth/token-codec.ts';
import type { RunService } from './runs/run-service.ts';
import { type SettingsHolder, settingsHolderFor } from './settings/settings-holder.ts';
import { createWorkerServices, type WorkerServices } from './workers/worker-services.ts';

/** What every route plugin and service of the server is built from. */
export interface ServerContext {
  /**
   * The running settings, read from {@link liveSettings} on each access: a save changes only its
   * hot sections here, so a reader that looks at them per use sees the new values.
   */
  readonly settings: TempoSettings;
  /** The running settings' holder, which `PUT /v1.0/settings` updates. */
  readonly liveSettings: SettingsHolder;
  /** The settings file the server was started from; null when embedded without one. */
  readonly settingsFile: string | null;
  readonly repositories: Repositories;
  readonly tokens: TokenCodec;
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
  /** The audit log's writer (sign-ins, identity changes, deletes). */
  readonly audit: AuditRecorder;
  readonly log: Logger;
  /** Built-in steps registered in this process. */
  readonly builtins: BuiltinStepRegistry;
  /** Runtimes with their availability, probed at start-up. */
  readonly runtimeCatalog: readonly RuntimeDescriptor[];
  /** Run state: enqueue, execute, cancel, wait. */
  readonly runs: RunService;
  /** Artifact files, versions and packages. */
  readonly artifacts: ArtifactService;
  /** Handler processes: their slots and counters. */
  readonly processHost: ProcessHandlerHost;
  /** Slots of the C# source-step builds (`runtimes.externalExecution.maxConcurrentSourceBuilds`). */
  readonly sourceBuilds: SourceBuildGate;
  /** Version reported by `GET /` and the OpenAPI document. */
  readonly version: string;
  /** Worker sessions, the worker registry and the packages workers fetch. */
  readonly workers: WorkerServices;
}

/** What {@link createServerContext} is given. */
export interface ServerContextOptions {
  readonly settings: TempoSettings;
  readonly repositories: Repositories;
  readonly log: Logger;
  readonly builtins: BuiltinStepRegistry;
  readonly runtimeCatalog: readonly RuntimeDescriptor[];
  readonly runs: RunService;
  readonly artifacts: ArtifactService;
  readonly processHost: ProcessHandlerHost;
  readonly version: string;
  /** The settings file the settings came from, for the settings routes. */
  readonly settingsFile?: string | undefined;
}

/** Builds the context: token codec, authenticator and authorizer over the given parts. */
export const createServerContext = (options: ServerContextOptions): ServerContext => {
  const { settings, repositories } = options;
  const tokens = new TokenCodec(settings.auth.signingKey, settings.auth.issuer);
  const audit = new AuditRecorder({ repositories, log: options.log, settings: settings.audit });
  const settingsFile = options.settingsFile ?? null;
  const liveSettings = settingsHolderFor(settings, settingsFile, process.env);
  return {
    ...options,
    get settings() {
      return liveSettings.current;
    },
    liveSettings,
    settingsFile,
    tokens,
    audit,
    authenticator: new Authenticator({
      repositories,
      tokens,
      adminApiKey: settings.auth.adminApiKey,
      credentialHashKey: settings.auth.credentialHashKey,
      // One per server process: failures are counted per client address and per account.
      signIns: new LoginLimiter(),
      audit,
    }),
    authorizer: new Authorizer(repositories),
    sourceBuilds: new SourceBuildGate(settings.runtimes.externalExecution.maxConcurrentSourceBuilds),
    workers: createWorkerServices({ settings, repositories, log: options.log, version: options.version }),
  };
};
