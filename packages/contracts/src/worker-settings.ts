import { z } from 'zod';
import { EntityId } from './common.ts';
import { WorkerKind } from './enums.ts';
import { LoggingSettings, RunLogSettings, RuntimesSettings, TelemetrySettings } from './settings.ts';

/** An http(s) server URL; a trailing `/` is trimmed. */
const serverUrl = () =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .transform((value) => value.replace(/\/+$/, ''));

/** A whole number clamped into [min, max]: like the server's settings, out-of-range is clamped, never refused. */
const clamped = (min: number, max: number, fallback: number) =>
  z
    .number()
    .int()
    .transform((value) => Math.min(max, Math.max(min, value)))
    .default(fallback);

/** Default largest artifact package a worker downloads: the server's default `artifacts.maxUploadBytes`. */
export const DEFAULT_WORKER_MAX_ARTIFACT_BYTES = 100 * 1024 * 1024;

/** `logging` of a worker: as the server's, but its file is `tempo-worker.log` (what the log viewer reads). */
export const WorkerLoggingSettings = LoggingSettings.extend({
  /** Current log file name; default `tempo-worker.log`. */
  logFilename: z.string().trim().min(1, 'must not be blank').default('tempo-worker.log'),
});

/**
 * The worker's settings file, `tempo.worker.json` (spec §2.4); parsing `{}` yields every default
 * except the token, which the loader requires.
 */
export const WorkerSettings = z.strictObject({
  /**
   * The server's base URL (`http` or `https`); the WebSocket URL is derived from it. Default
   * `http://127.0.0.1:8901`; a trailing `/` is trimmed.
   */
  serverEndpoint: serverUrl().default('http://127.0.0.1:8901'),
  /**
   * Further servers sharing the first one's database (beyond v0.3.0), tried in turn after
   * `serverEndpoint`: a server that does not hold the scheduler role closes the session with
   * `not the scheduler` and the worker moves to the next one at once; the reconnect backoff
   * applies only after a whole round failed. Default none.
   */
  serverEndpoints: z.array(serverUrl()).max(16).default([]),
  /** This worker's id, as issued by rotate-token; default `wrk_worker_1`. */
  workerId: EntityId.default('wrk_worker_1'),
  /** The token of rotate-token; required (the worker refuses to start without one). Default empty. */
  workerToken: z.string().trim().default(''),
  /** Display name; null (default) = this machine's host name. */
  name: z
    .string()
    .max(255)
    .nullable()
    .transform((value) => (value === null || value.trim() === '' ? null : value.trim()))
    .default(null),
  /** Kind sent in `hello`; default `Worker`. */
  kind: WorkerKind.default('Worker'),
  /** Runs executed at once, 1–1024; default 1. */
  maxConcurrentRuns: clamped(1, 1024, 1),
  /** Longest a run may take on this worker in ms, 0–86400000; 0 (default) = no worker-side limit. */
  maxTaskTimeoutMs: clamped(0, 86_400_000, 0),
  /** First wait before reconnecting after a lost session in ms, 1000–60000; default 5000. */
  reconnectDelayMs: clamped(1000, 60_000, 5000),
  /** Time limit of an artifact download in ms, 1000–600000; default 30000. */
  requestTimeoutMs: clamped(1000, 600_000, 30_000),
  /**
   * Largest artifact package downloaded, in bytes, 1 KiB–2 GiB; default 100 MiB. Keep it at least
   * the server's `artifacts.maxUploadBytes`.
   */
  maxArtifactBytes: clamped(1024, 2 * 1024 * 1024 * 1024, DEFAULT_WORKER_MAX_ARTIFACT_BYTES),
  /**
   * On SIGTERM or SIGINT, how long running runs may take to finish and be reported before they
   * are cancelled, in ms, 0–3600000; default 30000.
   */
  shutdownGraceMs: clamped(0, 3_600_000, 30_000),
  /** Labels placement pins flows to (`routingHintLabel`); default none. */
  labels: z.array(z.string().trim().min(1, 'must not be blank').max(128)).max(64).default([]),
  /** Service log of the worker. */
  logging: WorkerLoggingSettings.prefault({}),
  /** Per-run log files, shared with the server. */
  runLogs: RunLogSettings.prefault({}),
  /** Handler processes, REST steps and host executables: the same shape as the server's `runtimes`. */
  runtimes: RuntimesSettings.prefault({}),
  /** OpenTelemetry export, as the server's. */
  telemetry: TelemetrySettings.prefault({}),
});
export type WorkerSettings = z.infer<typeof WorkerSettings>;
/** Worker settings as written in a file: every field optional. */
export type WorkerSettingsInput = z.input<typeof WorkerSettings>;
