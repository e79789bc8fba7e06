import { createServer } from 'node:net';

/** The address the server will listen on cannot be bound (in use, or not allowed). */
export class PortUnavailableError extends Error {
  override readonly name = 'PortUnavailableError';
  readonly hostname: string;
  readonly port: number;
  /** The system's error code, e.g. `EADDRINUSE` or `EACCES`. */
  readonly reason: string;

  constructor(hostname: string, port: number, reason: string) {
    const why =
      reason === 'EADDRINUSE'
        ? 'is already in use (another Tempo server, or another program)'
        : reason === 'EACCES'
          ? 'may not be used by this account'
          : `cannot be listened on (${reason})`;
    super(
      `port ${port} on ${hostname} ${why}; stop what holds it or choose another port ` +
        '(--port N, rest.port in tempo.json or TEMPO_REST_PORT).',
    );
    this.hostname = hostname;
    this.port = port;
    this.reason = reason;
  }
}

/**
 * Binds the address for a moment and lets it go, so a port that is taken is reported before
 * start-up opens, migrates and seeds the database. Port 0 (any free port) needs no check.
 */
export const assertPortFree = (hostname: string, port: number): Promise<void> => {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new PortUnavailableError(hostname, port, error.code ?? error.message)),
    );
    // `exclusive` keeps a cluster primary from sharing a handle it holds: the check is for real.
    probe.listen({ host: hostname, port, exclusive: true }, () => probe.close(() => resolve()));
  });
};
