/** Where telemetry problems are written: the process's logger (pino's `warn` signature). */
export interface TelemetryLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** Default quiet period between two warnings about failing exports. */
export const EXPORT_WARNING_INTERVAL_MS = 5 * 60_000;

/** Options of {@link ExportProblemReporter}. */
export interface ExportProblemReporterOptions {
  readonly log: TelemetryLog;
  /** Least time between two warnings, in ms; default {@link EXPORT_WARNING_INTERVAL_MS}. */
  readonly intervalMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/**
 * Turns a stream of export failures into few log lines. A new user without a collector has
 * `otlpEnabled` on by default and every export fails: the first failure is one warning, later
 * ones are counted and summed up in at most one warning per interval, and an export that
 * succeeds again after failures says so once.
 */
export class ExportProblemReporter {
  readonly #log: TelemetryLog;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #lastWarnedAt: number | null = null;
  #suppressed = 0;
  #failing = false;

  constructor(options: ExportProblemReporterOptions) {
    this.#log = options.log;
    this.#intervalMs = options.intervalMs ?? EXPORT_WARNING_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Whether the last export failed (and none succeeded since). */
  get failing(): boolean {
    return this.#failing;
  }

  /** Records one failure; logs it unless a warning was written within the interval. */
  failed(what: string, error: unknown): void {
    this.#failing = true;
    const at = this.#now();
    if (this.#lastWarnedAt !== null && at - this.#lastWarnedAt < this.#intervalMs) {
      this.#suppressed += 1;
      return;
    }
    const first = this.#lastWarnedAt === null;
    this.#lastWarnedAt = at;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    this.#log.warn(
      { what, reason: reasonOf(error), suppressedSinceLastWarning: suppressed },
      first
        ? 'telemetry export failed; the service keeps running and further failures are summarised at most every few minutes (check telemetry.otlpEndpoint, or set telemetry.otlpEnabled false)'
        : 'telemetry export still failing',
    );
  }

  /** Records a successful export: after failures, one line says export works again. */
  succeeded(what: string): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.#log.info({ what }, 'telemetry export recovered');
  }
}

/** A short, secret-free reason: the error's code or message, never a stack. */
const reasonOf = (error: unknown): string => {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
};
