import type { TempoSettings } from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import type { HandlerHostStatus } from '@tempo/core/process-host';
import type { Repositories } from '@tempo/core/store';
import { startTelemetry, type Telemetry } from '@tempo/core/telemetry';

/** Starts the server process's telemetry from `settings.telemetry` (component `server`). */
export const startServerTelemetry = (
  settings: TempoSettings,
  log: Logger,
  version: string,
): Promise<Telemetry> => startTelemetry({ settings: settings.telemetry, component: 'server', version, log });

/** What the process-host gauges read: the host's own counters. */
export interface ObservedProcessHost {
  status(): HandlerHostStatus;
}

/**
 * `tempo.capacity.in_use`, `tempo.capacity.queued` and `tempo.process.kills`, read from the
 * process host's counters when metrics are collected, so starting a handler costs nothing more.
 */
export const observeProcessHost = (telemetry: Telemetry, host: ObservedProcessHost): void => {
  if (!telemetry.enabled) return;
  const { capacityInUse, capacityQueued, processKills } = telemetry.instruments;
  telemetry.meter.addBatchObservableCallback(
    (result) => {
      const status = host.status();
      result.observe(capacityInUse, status.activeServerWide);
      result.observe(capacityQueued, status.queuedServerWide);
      result.observe(processKills, status.processKillCount);
    },
    [capacityInUse, capacityQueued, processKills],
  );
};

/** A running sampler; {@link stop} clears its timer. */
export interface QueueDepthSampler {
  stop(): void;
}

/** Options of {@link startQueueDepthSampler}. */
export interface QueueDepthSamplerOptions {
  readonly telemetry: Telemetry;
  readonly repositories: Repositories;
  readonly log: Logger;
  /** `engine.queueDepthSampleIntervalMs`. */
  readonly intervalMs: number;
}

/**
 * Counts the `Queued` runs of every tenant every `engine.queueDepthSampleIntervalMs` into
 * `tempo.dispatch.queue.depth` (spec §2.6: the gauge is a periodic COUNT, never a count per
 * enqueue). Nothing runs with telemetry off. A failed count is logged once and tried again next
 * period.
 */
export const startQueueDepthSampler = (options: QueueDepthSamplerOptions): QueueDepthSampler => {
  const { telemetry, repositories, log } = options;
  if (!telemetry.enabled) return { stop: () => undefined };
  let warned = false;
  let sampling = false;
  const sample = async () => {
    // A slow database must not pile counts up behind each other.
    if (sampling) return;
    sampling = true;
    try {
      let queued = 0;
      for (const tenant of await repositories.tenants.find())
        queued += await repositories.flowRuns.inTenant(tenant.id).count({ state: 'Queued' });
      telemetry.instruments.dispatchQueueDepth.record(queued);
    } catch (error) {
      if (!warned)
        log.warn({ err: error }, 'telemetry: the queue depth could not be counted; trying again each period');
      warned = true;
    } finally {
      sampling = false;
    }
  };
  void sample();
  const timer = setInterval(() => void sample(), options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
};

/** How an authentication attempt went: `Success`, the failure's result name, or `Throttled`. */
export type AuthAttemptOutcome = 'Success' | 'NotFound' | 'Inactive' | 'Invalid' | 'Throttled';

/** Receives each authentication attempt (credentials sent with a request, or a sign-in). */
export type AuthAttemptListener = (method: string, outcome: AuthAttemptOutcome) => void;

/** The listener that counts attempts in `tempo.auth.attempts{method, outcome}`; null with telemetry off. */
export const authAttemptRecorder = (telemetry: Telemetry): AuthAttemptListener | null => {
  if (!telemetry.enabled) return null;
  const { authAttempts } = telemetry.instruments;
  return (method, outcome) => authAttempts.add(1, { method, outcome });
};
