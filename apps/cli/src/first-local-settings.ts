import { TempoSettings } from '@tempo/contracts';

/**
 * The settings `./tempo up` writes into a new data folder: the defaults, except that OTLP export
 * starts off. A single machine has no collector listening on `127.0.0.1:4317`, so the spec's
 * default would only warn and spend CPU on spans nobody receives; an operator who runs one sets
 * `telemetry.otlpEnabled` (or `TEMPO_TELEMETRY_OTLP_ENABLED`) and `otlpEndpoint`.
 */
export const firstLocalSettings = (): TempoSettings =>
  TempoSettings.parse({ createdUtc: new Date().toISOString(), telemetry: { otlpEnabled: false } });
