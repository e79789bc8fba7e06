import autocannon from 'autocannon';

/** What one load run measured. */
export interface LoadFigures {
  readonly name: string;
  readonly requestsPerSecond: number;
  /** Calls answered in the measured run. */
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

/** Options of {@link measureLoad}. */
export interface LoadOptions {
  readonly name: string;
  readonly url: string;
  readonly body: string;
  readonly connections: number;
  readonly durationS: number;
  readonly warmupS: number;
}

/** POSTs `body` to `url` from `connections` connections: a warm-up, then the measured run. */
export const measureLoad = async (options: LoadOptions): Promise<LoadFigures> => {
  const request = {
    url: options.url,
    method: 'POST' as const,
    body: options.body,
    headers: { 'content-type': 'application/json' },
    connections: options.connections,
  };
  if (options.warmupS > 0) await autocannon({ ...request, duration: options.warmupS });
  const result = await autocannon({ ...request, duration: options.durationS });
  return {
    name: options.name,
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
};

/** One line of figures. */
export const formatFigures = (f: LoadFigures): string =>
  `${f.name.padEnd(40)} ${f.requestsPerSecond.toFixed(0).padStart(7)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms   non-2xx ${f.non2xx}   errors ${f.errors}`;
