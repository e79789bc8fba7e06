/** Connection options of a networked database (PostgreSQL, MySQL). */
export interface NetworkDatabaseOptions {
  readonly host: string;
  /** 0 = the database's default port. */
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  /** Per-statement time limit in seconds. */
  readonly commandTimeoutSeconds: number;
  /** Largest number of pooled connections. */
  readonly maxConnections: number;
}
