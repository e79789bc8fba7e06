import type { HelloFrame, TempoSettings, WorkerCapability } from '@tempo/contracts';

/** Most runs a worker may claim to execute at once (the engine's own ceiling, spec §2.1). */
export const MAX_WORKER_CONCURRENT_RUNS = 1024;
/** Longest per-run limit a worker may declare: one day, in ms (spec §2.4). */
export const MAX_WORKER_TASK_TIMEOUT_MS = 86_400_000;
/** Most labels kept of one worker; the hello schema refuses more. */
export const MAX_WORKER_LABELS = 64;
/** Most capabilities kept of one worker; the hello schema refuses more. */
export const MAX_WORKER_CAPABILITIES = 256;
/** Longest capability field kept; longer values would only ever fail to match. */
const MAX_CAPABILITY_FIELD = 255;

/** What the server stores of a `hello`: limits clamped, labels and capabilities bounded. */
export interface HelloTerms {
  readonly name: string;
  readonly version: string | null;
  readonly hostName: string | null;
  readonly maxConcurrentRuns: number;
  readonly maxTaskTimeoutMs: number;
  readonly labels: readonly string[];
  readonly capabilities: readonly WorkerCapability[];
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

const field = (value: string): string => value.trim().slice(0, MAX_CAPABILITY_FIELD);

/**
 * The terms of a parsed `hello`. Spec §4.3: `maxConcurrentRuns` is floored to 1 (and capped at
 * 1024), `maxTaskTimeoutMs` kept within 0 (none) to one day. Labels are trimmed, blank ones and
 * repeats (ignoring case, as placement compares them) dropped; capabilities deduplicated.
 */
export const helloTermsOf = (hello: HelloFrame): HelloTerms => {
  const labels: string[] = [];
  const seenLabels = new Set<string>();
  for (const raw of hello.labels) {
    const label = raw.trim();
    if (label === '' || seenLabels.has(label.toLowerCase())) continue;
    seenLabels.add(label.toLowerCase());
    labels.push(label);
    if (labels.length === MAX_WORKER_LABELS) break;
  }
  const capabilities: WorkerCapability[] = [];
  const seenCapabilities = new Set<string>();
  for (const raw of hello.capabilities) {
    const capability: WorkerCapability = {
      executionKey: field(raw.executionKey),
      tenantScope: field(raw.tenantScope),
      sourceKind: field(raw.sourceKind),
      runtimeKey: field(raw.runtimeKey),
      signatureHash: field(raw.signatureHash),
    };
    const key = JSON.stringify(capability);
    if (seenCapabilities.has(key)) continue;
    seenCapabilities.add(key);
    capabilities.push(capability);
    if (capabilities.length === MAX_WORKER_CAPABILITIES) break;
  }
  const name = hello.name.trim();
  return {
    name: name === '' ? hello.workerId : name,
    version: hello.version,
    hostName: hello.hostName,
    maxConcurrentRuns: clamp(hello.maxConcurrentRuns, 1, MAX_WORKER_CONCURRENT_RUNS),
    maxTaskTimeoutMs: clamp(hello.maxTaskTimeoutMs, 0, MAX_WORKER_TASK_TIMEOUT_MS),
    labels,
    capabilities,
  };
};

/**
 * `hello-ack.heartbeatIntervalMs` (spec §2.1): `max(1000, min(pollIntervalMs,
 * workerHeartbeatTimeoutMs / 2))`, 1000 ms with the defaults.
 */
export const heartbeatIntervalOf = (
  engine: Pick<TempoSettings['engine'], 'pollIntervalMs' | 'workerHeartbeatTimeoutMs'>,
): number => Math.max(1000, Math.min(engine.pollIntervalMs, Math.floor(engine.workerHeartbeatTimeoutMs / 2)));

/** Whether the server speaks a worker's protocol version: 1.0 and later minor versions of 1. */
export const isSupportedProtocolVersion = (version: string): boolean => /^1\.\d{1,4}$/.test(version.trim());
