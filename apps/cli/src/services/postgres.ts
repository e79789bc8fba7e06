import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { aptInstall } from './apt-install.ts';
import {
  DatabaseKind,
  type DatabaseService,
  type EnsureDatabaseOptions,
  TestDatabaseDefaults,
} from './database-service.ts';
import { withFolderLock } from './folder-lock.ts';
import {
  findExecutable,
  findOsUser,
  fitsUnixSocketPath,
  isRoot,
  type OsUser,
  runCommand,
} from './process-tools.ts';
import { serveDatabase } from './serve-database.ts';
import type { ServerSpec, StoppableServer } from './server-lifecycle.ts';
import { DatabaseServiceError, ServiceStep } from './service-error.ts';

/** Loopback port of the test PostgreSQL unless the caller picks one; far from the system's 5432. */
export const DEFAULT_POSTGRES_PORT = 55432;

// Long enough for another run to install the server from apt and start it.
const LOCK_TIMEOUT_MS = 600_000;
const kind = DatabaseKind.Postgresql;
const SUPERUSER = 'postgres';

// Only the superuser over the private socket folder (mode 0700) is trusted; TCP needs a password.
const PG_HBA = `# Written by Tempo's test services.
local all ${SUPERUSER} trust
host all all 127.0.0.1/32 scram-sha-256
`;

const folderOf = (rootDir: string) => {
  const home = join(resolve(rootDir), 'postgres');
  return {
    home,
    dataDir: join(home, 'data'),
    socketDir: join(home, 'run'),
    logFile: join(home, 'postgres.log'),
    // Written after initdb and the config succeeded; without it the data folder is a failed attempt.
    readyStamp: join(home, 'initialised'),
    versionFile: join(home, 'data', 'PG_VERSION'),
  };
};
type PostgresFolder = ReturnType<typeof folderOf>;

/** The bin folder that holds both `postgres` and a matching `initdb`, newest Debian version first. */
const findBinDir = (): string | undefined => {
  const debianRoot = '/usr/lib/postgresql';
  const versions = existsSync(debianRoot)
    ? readdirSync(debianRoot).sort((a, b) => Number(b) - Number(a))
    : [];
  const server = findExecutable(
    'postgres',
    versions.map((version) => join(debianRoot, version, 'bin')),
  );
  if (server === undefined) return undefined;
  const binDir = dirname(realpathSync(server));
  return existsSync(join(binDir, 'initdb')) ? binDir : undefined;
};

const ensureBinDir = async (folder: PostgresFolder, log: (line: string) => void): Promise<string> => {
  const found = findBinDir();
  if (found !== undefined) return found;
  await aptInstall({ kind, packages: ['postgresql'], logFile: join(folder.home, 'apt-install.log'), log });
  const installed = findBinDir();
  if (installed === undefined) {
    throw new DatabaseServiceError(
      kind,
      ServiceStep.Install,
      'postgres and initdb are still missing',
      folder.logFile,
    );
  }
  return installed;
};

/** initdb refuses to run as root, so as root the cluster belongs to the `postgres` account. */
const serverAccount = (folder: PostgresFolder): OsUser | undefined => {
  if (!isRoot()) return undefined;
  const account = findOsUser(SUPERUSER);
  if (account === undefined) {
    const problem = `there is no "${SUPERUSER}" OS account to own the data folder (it comes with the postgresql package)`;
    throw new DatabaseServiceError(kind, ServiceStep.Initialise, problem, folder.logFile);
  }
  return account;
};

const initialise = async (folder: PostgresFolder, binDir: string, runAs: OsUser | undefined) => {
  rmSync(folder.readyStamp, { force: true });
  rmSync(folder.dataDir, { recursive: true, force: true });
  // Created apart so the root folder keeps the usual mode: the postgres account must traverse it.
  mkdirSync(dirname(folder.home), { recursive: true });
  for (const dir of [folder.home, folder.socketDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  }
  const args = ['-D', folder.dataDir, '-U', SUPERUSER, '-E', 'UTF8', '--locale=C.UTF-8'];
  const authArgs = ['--auth-local=trust', '--auth-host=scram-sha-256', '--no-instructions'];
  const code = await runCommand(join(binDir, 'initdb'), [...args, ...authArgs], {
    logFile: folder.logFile,
    cwd: folder.home,
    runAs,
  });
  if (code !== 0) {
    const problem = `initdb exited with code ${code} (is ${folder.home} reachable by the ${SUPERUSER} account?)`;
    throw new DatabaseServiceError(kind, ServiceStep.Initialise, problem, folder.logFile);
  }
  writeFileSync(join(folder.dataDir, 'pg_hba.conf'), PG_HBA);
  writeFileSync(folder.readyStamp, `${new Date().toISOString()}\n`);
};

/** The port recorded by a running (or crashed) postmaster: line 4 of postmaster.pid. */
const recordedPort = (pidFile: string): number | undefined => {
  if (!existsSync(pidFile)) return undefined;
  const port = Number(readFileSync(pidFile, 'utf8').split('\n')[3]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
};

const adminConfig = (folder: PostgresFolder, port: number): pg.ClientConfig => ({
  host: folder.socketDir,
  port,
  user: SUPERUSER,
  database: 'postgres',
  connectionTimeoutMillis: 2_000,
});

const probe = async (folder: PostgresFolder, pidFile: string, port: number): Promise<number | undefined> => {
  const client = new pg.Client(adminConfig(folder, recordedPort(pidFile) ?? port));
  try {
    await client.connect();
    const result = await client.query<{ port: string }>('show port');
    return Number(result.rows[0]?.port);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** Creates or updates the test role and `database`, so a changed password or a dropped database heals. */
const provision = async (client: pg.Client, database: string): Promise<void> => {
  const { user, password } = TestDatabaseDefaults;
  const role = await client.query('select 1 from pg_roles where rolname = $1', [user]);
  const verb = role.rowCount ? 'ALTER' : 'CREATE';
  await client.query(
    `${verb} ROLE ${client.escapeIdentifier(user)} LOGIN PASSWORD ${client.escapeLiteral(password)}`,
  );
  const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
  const dbName = client.escapeIdentifier(database);
  await client.query(
    exists.rowCount
      ? `ALTER DATABASE ${dbName} OWNER TO ${client.escapeIdentifier(user)}`
      : `CREATE DATABASE ${dbName} OWNER ${client.escapeIdentifier(user)}`,
  );
};

const ensureLocked = async (options: EnsureDatabaseOptions): Promise<DatabaseService> => {
  const log = (line: string) => options.log?.(`postgres: ${line}`);
  const port = options.port ?? DEFAULT_POSTGRES_PORT;
  const folder = folderOf(options.rootDir);
  const socketFile = join(folder.socketDir, `.s.PGSQL.${port}`);
  if (!fitsUnixSocketPath(socketFile)) {
    const problem = `the socket path ${socketFile} is too long for a Unix socket; use a shorter rootDir`;
    throw new DatabaseServiceError(kind, ServiceStep.Initialise, problem, folder.logFile);
  }
  const binDir = await ensureBinDir(folder, log);
  const runAs = serverAccount(folder);
  if (!existsSync(folder.readyStamp) || !existsSync(folder.versionFile)) {
    log(`initialising ${folder.dataDir}`);
    await initialise(folder, binDir, runAs);
  }
  const stoppable = postgresProcess(options.rootDir, log);
  const { pidFile } = stoppable;
  const spec: ServerSpec = {
    ...stoppable,
    staleFiles: [pidFile],
    port,
    command: join(binDir, 'postgres'),
    args: [
      ...['-D', folder.dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'],
      ...['-c', `unix_socket_directories=${folder.socketDir}`, '-c', 'synchronous_commit=off'],
    ],
    runAs,
    cwd: folder.home,
    startTimeoutMs: options.startTimeoutMs ?? TestDatabaseDefaults.startTimeoutMs,
    probe: () => probe(folder, pidFile, port),
  };
  const database = options.database ?? TestDatabaseDefaults.database;
  return serveDatabase(
    spec,
    {
      scheme: 'postgres',
      provision: async () => {
        const admin = new pg.Client(adminConfig(folder, port));
        await admin.connect();
        await provision(admin, database).finally(() => admin.end());
      },
      checkLogin: async (login) => {
        const client = new pg.Client(login);
        await client.connect();
        await client.query('select 1').finally(() => client.end());
      },
    },
    database,
  );
};

/** The test PostgreSQL of a folder, as far as finding and stopping its process goes. */
export const postgresProcess = (rootDir: string, log: (line: string) => void = () => {}): StoppableServer => {
  const folder = folderOf(rootDir);
  return {
    kind,
    dataDir: folder.dataDir,
    pidFile: join(folder.dataDir, 'postmaster.pid'),
    logFile: folder.logFile,
    stopSignal: 'SIGINT', // "fast" shutdown: ends sessions, checkpoints, exits
    startTimeoutMs: TestDatabaseDefaults.startTimeoutMs,
    log,
  };
};

/**
 * Makes a PostgreSQL server for tests answer on 127.0.0.1 with database `tempo_test` owned by
 * `tempo`/`tempo`, all of it in `<rootDir>/postgres`: reuses a running server, starts a stopped
 * one, initialises a missing folder. The server keeps running after this returns.
 */
export const ensurePostgres = (options: EnsureDatabaseOptions): Promise<DatabaseService> =>
  withFolderLock(
    {
      lockFile: join(resolve(options.rootDir), 'postgres.lock'),
      timeoutMs: LOCK_TIMEOUT_MS,
      fail: (problem) =>
        new DatabaseServiceError(kind, ServiceStep.Start, problem, folderOf(options.rootDir).logFile),
    },
    () => ensureLocked(options),
  );
