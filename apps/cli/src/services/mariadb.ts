import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { aptInstall } from './apt-install.ts';
import {
  DatabaseKind,
  type DatabaseService,
  type EnsureDatabaseOptions,
  TestDatabaseDefaults,
} from './database-service.ts';
import { withFolderLock } from './folder-lock.ts';
import { findExecutable, fitsUnixSocketPath, isRoot, runCommand } from './process-tools.ts';
import { serveDatabase } from './serve-database.ts';
import type { ServerSpec, StoppableServer } from './server-lifecycle.ts';
import { DatabaseServiceError, ServiceStep } from './service-error.ts';

/** Loopback port of the test MariaDB unless the caller picks one; far from the system's 3306. */
export const DEFAULT_MARIADB_PORT = 53306;

// Long enough for another run to install the server from apt and start it.
const LOCK_TIMEOUT_MS = 600_000;
const kind = DatabaseKind.Mysql;
// `localhost` matches socket logins, `127.0.0.1` TCP ones (the server skips name resolution).
const USER_HOSTS = ['127.0.0.1', 'localhost'] as const;

const folderOf = (rootDir: string) => {
  const home = join(resolve(rootDir), 'mariadb');
  return {
    home,
    dataDir: join(home, 'data'),
    tmpDir: join(home, 'tmp'),
    socketFile: join(home, 'mariadbd.sock'),
    pidFile: join(home, 'mariadbd.pid'),
    logFile: join(home, 'mariadbd.log'),
    // Written after mariadb-install-db succeeded; without it the data folder is a failed attempt.
    readyStamp: join(home, 'initialised'),
    systemTables: join(home, 'data', 'mysql'),
  };
};
type MariadbFolder = ReturnType<typeof folderOf>;

interface MariadbBinaries {
  readonly server: string;
  readonly installDb: string;
}

const findBinaries = (): MariadbBinaries | undefined => {
  const server = findExecutable('mariadbd');
  const installDb = findExecutable('mariadb-install-db');
  return server && installDb ? { server, installDb } : undefined;
};

const ensureBinaries = async (
  folder: MariadbFolder,
  log: (line: string) => void,
): Promise<MariadbBinaries> => {
  const found = findBinaries();
  if (found !== undefined) return found;
  mkdirSync(folder.home, { recursive: true });
  await aptInstall({
    kind,
    packages: ['mariadb-server'],
    logFile: join(folder.home, 'apt-install.log'),
    log,
  });
  const installed = findBinaries();
  if (installed === undefined) {
    const problem = 'mariadbd or mariadb-install-db is still missing after installing mariadb-server';
    throw new DatabaseServiceError(kind, ServiceStep.Install, problem, folder.logFile);
  }
  return installed;
};

// As root the server must be told to stay root: it refuses to run as root otherwise.
const userArgs = (): string[] => (isRoot() ? ['--user=root'] : []);

const initialise = async (folder: MariadbFolder, binaries: MariadbBinaries): Promise<void> => {
  rmSync(folder.readyStamp, { force: true });
  rmSync(folder.dataDir, { recursive: true, force: true });
  mkdirSync(folder.dataDir, { recursive: true });
  mkdirSync(folder.tmpDir, { recursive: true });
  const args = [
    '--no-defaults',
    `--datadir=${folder.dataDir}`,
    // The only admin is the OS account running this, through the socket with no password;
    // `normal` would also add a password-less root@127.0.0.1 that any local process could use.
    '--auth-root-authentication-method=socket',
    '--skip-test-db',
    ...userArgs(),
  ];
  const code = await runCommand(binaries.installDb, args, { logFile: folder.logFile, cwd: folder.home });
  if (code !== 0) {
    const problem = `mariadb-install-db exited with code ${code}`;
    throw new DatabaseServiceError(kind, ServiceStep.Initialise, problem, folder.logFile);
  }
  writeFileSync(folder.readyStamp, `${new Date().toISOString()}\n`);
};

// unix_socket authentication maps the OS account to the database account of the same name.
const adminConnection = (folder: MariadbFolder) =>
  mysql.createConnection({ socketPath: folder.socketFile, user: userInfo().username, connectTimeout: 2_000 });

const probe = async (folder: MariadbFolder): Promise<number | undefined> => {
  if (!existsSync(folder.socketFile)) return undefined;
  try {
    const connection = await adminConnection(folder);
    try {
      const [rows] = await connection.query<RowDataPacket[]>('select @@port as port');
      return Number(rows[0]?.port);
    } finally {
      await connection.end();
    }
  } catch {
    return undefined;
  }
};

/** Creates or updates the test user and `database`, so a changed password or a dropped database heals. */
const provision = async (folder: MariadbFolder, database: string): Promise<void> => {
  const { user, password } = TestDatabaseDefaults;
  const connection = await adminConnection(folder);
  try {
    const db = connection.escapeId(database);
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    for (const host of USER_HOSTS) {
      const account = `${connection.escape(user)}@${connection.escape(host)}`;
      await connection.query(
        `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${connection.escape(password)}`,
      );
      await connection.query(`ALTER USER ${account} IDENTIFIED BY ${connection.escape(password)}`);
      await connection.query(`GRANT ALL PRIVILEGES ON ${db}.* TO ${account}`);
    }
  } finally {
    await connection.end();
  }
};

const ensureLocked = async (options: EnsureDatabaseOptions): Promise<DatabaseService> => {
  const log = (line: string) => options.log?.(`mariadb: ${line}`);
  const port = options.port ?? DEFAULT_MARIADB_PORT;
  const folder = folderOf(options.rootDir);
  if (!fitsUnixSocketPath(folder.socketFile)) {
    const problem = `the socket path ${folder.socketFile} is too long for a Unix socket; use a shorter rootDir`;
    throw new DatabaseServiceError(kind, ServiceStep.Initialise, problem, folder.logFile);
  }
  const binaries = await ensureBinaries(folder, log);
  if (!existsSync(folder.readyStamp) || !existsSync(folder.systemTables)) {
    log(`initialising ${folder.dataDir}`);
    await initialise(folder, binaries);
  }
  mkdirSync(folder.tmpDir, { recursive: true });
  const spec: ServerSpec = {
    ...mariadbProcess(options.rootDir, log),
    staleFiles: [folder.pidFile, folder.socketFile],
    port,
    command: binaries.server,
    args: [
      '--no-defaults', // must come first; keeps /etc/mysql out of our server
      ...userArgs(),
      ...[`--datadir=${folder.dataDir}`, `--port=${port}`, '--bind-address=127.0.0.1'],
      ...[`--socket=${folder.socketFile}`, `--pid-file=${folder.pidFile}`, `--tmpdir=${folder.tmpDir}`],
      ...['--skip-name-resolve', '--character-set-server=utf8mb4', '--collation-server=utf8mb4_unicode_ci'],
      '--innodb-flush-log-at-trx-commit=2',
    ],
    cwd: folder.home,
    startTimeoutMs: options.startTimeoutMs ?? TestDatabaseDefaults.startTimeoutMs,
    probe: () => probe(folder),
  };
  const database = options.database ?? TestDatabaseDefaults.database;
  return serveDatabase(
    spec,
    {
      scheme: 'mysql',
      provision: () => provision(folder, database),
      checkLogin: async (login) => {
        const connection = await mysql.createConnection({ ...login, connectTimeout: 5_000 });
        await connection.query('select 1').finally(() => connection.end());
      },
    },
    database,
  );
};

/** The test MariaDB of a folder, as far as finding and stopping its process goes. */
export const mariadbProcess = (rootDir: string, log: (line: string) => void = () => {}): StoppableServer => {
  const folder = folderOf(rootDir);
  return {
    kind,
    dataDir: folder.dataDir,
    pidFile: folder.pidFile,
    logFile: folder.logFile,
    stopSignal: 'SIGTERM',
    startTimeoutMs: TestDatabaseDefaults.startTimeoutMs,
    log,
  };
};

/**
 * Makes a MariaDB server for tests answer on 127.0.0.1 with database `tempo_test` and user
 * `tempo`/`tempo`, all of it in `<rootDir>/mariadb`: installs mariadb-server from apt when it is
 * missing, reuses a running server, starts a stopped one, initialises a missing folder. The
 * server keeps running after this returns.
 */
export const ensureMariadb = (options: EnsureDatabaseOptions): Promise<DatabaseService> =>
  withFolderLock(
    {
      lockFile: join(resolve(options.rootDir), 'mariadb.lock'),
      timeoutMs: LOCK_TIMEOUT_MS,
      fail: (problem) =>
        new DatabaseServiceError(kind, ServiceStep.Start, problem, folderOf(options.rootDir).logFile),
    },
    () => ensureLocked(options),
  );
