import { z } from 'zod';
import { DataFlowInvocationAuthMode } from './enums.ts';

/** A whole number clamped into [min, max] (the spec clamps out-of-range settings, never rejects them). */
const clampedInt = (min: number, max: number, fallback: number) =>
  z
    .number()
    .int()
    .transform((value) => Math.min(max, Math.max(min, value)))
    .default(fallback);

/** A number clamped into [min, max]. */
const clampedNumber = (min: number, max: number, fallback: number) =>
  z
    .number()
    .transform((value) => Math.min(max, Math.max(min, value)))
    .default(fallback);

/** A required, non-blank string (paths, names). */
const requiredText = (fallback: string) => z.string().trim().min(1, 'must not be blank').default(fallback);

/**
 * A log file's name: one plain name ending in `.log`, no folder part. The log viewer serves the
 * files named like it, so a name such as `tempo.json` would turn it into a reader of any file.
 */
const logFileName = (fallback: string) =>
  z
    .string()
    .trim()
    .min(1, 'must not be blank')
    .refine((name) => /^[^/\\]+\.log$/.test(name) && name !== '..log', {
      message: 'must be a plain file name ending in ".log", with no folder part',
    })
    .default(fallback);

/** An optional string; blank means absent. */
const optionalText = () =>
  z
    .string()
    .nullable()
    .transform((value) => (value === null || value.trim() === '' ? null : value))
    .default(null);

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** Database provider. */
export const DatabaseType = z.enum(['Sqlite', 'Mysql', 'Postgresql', 'SqlServer']);
export type DatabaseType = z.infer<typeof DatabaseType>;

/** How runs are placed on workers. */
export const LoadBalancingStrategy = z.enum(['LeastLoaded', 'LabelPinned']);
export type LoadBalancingStrategy = z.infer<typeof LoadBalancingStrategy>;

/** Names of address ranges a trusted-proxy entry may use instead of spelling them out. */
const PROXY_RANGE_NAMES: readonly string[] = ['loopback', 'linklocal', 'uniquelocal'];
const proxyAddressFormats = [z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()];

/**
 * One trusted proxy: an IP address, a CIDR range, or `loopback`, `linklocal`, `uniquelocal`.
 * A `/0` range is refused: trusting every address would let any client name its own address.
 */
export const TrustedProxy = z
  .string()
  .trim()
  .refine(
    (value) =>
      PROXY_RANGE_NAMES.includes(value) ||
      (proxyAddressFormats.some((format) => format.safeParse(value).success) && !/\/0+$/.test(value)),
    'must be an IP address, a CIDR range of at least /1 (10.0.0.0/8), or loopback, linklocal or uniquelocal',
  );
export type TrustedProxy = z.infer<typeof TrustedProxy>;

/** `rest`: the web server. */
export const RestSettings = z.strictObject({
  /** Listen address; default `127.0.0.1` (containers use `0.0.0.0`). */
  hostname: requiredText('127.0.0.1'),
  /** Listen port, 1–65535; default 8901. */
  port: clampedInt(1, 65535, 8901),
  /** Whether URLs are reported as https; default false. */
  ssl: z.boolean().default(false),
  /** Origins allowed to call the API from a browser (CORS); `*` = any. Default `["*"]`. */
  corsOrigins: z.array(z.string()).default(['*']),
  /** Send the standard security headers (helmet); default true. */
  securityHeaders: z.boolean().default(true),
  /**
   * Reverse proxies whose `X-Forwarded-For`, `-Host` and `-Proto` headers are believed, as
   * addresses or CIDR ranges. A request's client address (sign-in throttles, rate limits, the
   * `sourceIp` of runs and request history) is the socket's unless the socket is one of these.
   * Default `[]`: no forwarding header is believed.
   */
  trustedProxies: z.array(TrustedProxy).default([]),
  /**
   * Largest body of an HTTP trigger call in bytes, 1 KiB–16 MiB; default 1 MiB. A larger one is
   * refused with `413 PayloadTooLarge` before it is stored anywhere. The rest of the API keeps
   * its own 16 MiB limit.
   */
  maxTriggerBodyBytes: clampedInt(1024, 16 * MIB, MIB),
  /**
   * Calls per second one trigger of a `Public` flow accepts, 0–1000000; 0 = no limit. Default
   * 5000. A token bucket holding one second's worth: past it, `429 TooManyRequests` with
   * `Retry-After`. Counted per server process.
   */
  publicTriggerRatePerSecond: clampedInt(0, 1_000_000, 5000),
  /**
   * Calls per second all `Public` triggers of one tenant accept together, 0–1000000; 0 = no
   * limit. Default 10000; a bucket of one second's worth like `publicTriggerRatePerSecond`.
   */
  publicTriggerTenantRatePerSecond: clampedInt(0, 1_000_000, 10_000),
});

/** `database`: where state is kept. */
export const DatabaseSettings = z.strictObject({
  /** Provider; default `Sqlite`. */
  type: DatabaseType.default('Sqlite'),
  /** SQLite file, relative to the settings file's folder; default `./tempo.db`. */
  filename: requiredText('./tempo.db'),
  /** Host of a networked database. */
  server: optionalText(),
  /** Port of a networked database, 0–65535; 0 = provider default. */
  port: clampedInt(0, 65535, 0),
  /** Database name of a networked database. */
  databaseName: optionalText(),
  username: optionalText(),
  password: optionalText(),
  /** Statement time limit in seconds, 1–3600; default 30. */
  commandTimeoutSeconds: clampedInt(1, 3600, 30),
});

/** `logging`: service logs. */
export const LoggingSettings = z.strictObject({
  /** Log to standard output; default true. */
  consoleLogging: z.boolean().default(true),
  /** Log to a rotating file; default true. */
  fileLogging: z.boolean().default(true),
  /** Folder of the log files; default `./logs`. */
  logDirectory: requiredText('./logs'),
  /** Current log file name; default `tempo.log`. */
  logFilename: logFileName('tempo.log'),
});

/** `auth`: tokens and the admin API key. */
export const AuthSettings = z.strictObject({
  /** Token issuer; default `tempo`. */
  issuer: requiredText('tempo'),
  /**
   * Key the bearer tokens are encrypted with (AES-256-GCM). No usable default: blank means
   * "generate one", which the server does into the settings file on first start. Changing it
   * invalidates every token already issued.
   */
  signingKey: z.string().trim().default(''),
  /**
   * Key of the HMAC-SHA-256 under which credential access and secret keys are stored. Blank means
   * "generate one" on first start, like `signingKey`. Changing it makes every credential's access
   * key unusable until the credential is issued again.
   */
  credentialHashKey: z.string().trim().default(''),
  /** Token lifetime in minutes, 5–525600; default 1440. */
  tokenExpirationMinutes: clampedInt(5, 525_600, 1440),
  /** `x-api-key` value that authenticates as a global administrator; empty = disabled. */
  adminApiKey: z.string().default(''),
});

/**
 * `secrets`: the keys that encrypt stored secrets (credential header values of REST steps and
 * flows, and their copies in run snapshots) with AES-256-GCM. Each sealed value names the key
 * that sealed it, so several keys can be held while `./tempo secrets rotate` moves to a new one.
 */
export const SecretsSettings = z.strictObject({
  /**
   * The key new secrets are sealed with: 32 random bytes as base64 or hex (`openssl rand -base64
   * 32`), or a passphrase of at least 32 characters. Blank (default) = the key file's current key.
   * Also `TEMPO_SECRETS_KEY`.
   */
  key: z.string().trim().default(''),
  /**
   * Earlier keys that still decrypt what they sealed, during a rotation; default none. Also
   * `TEMPO_SECRETS_PREVIOUS_KEYS` (comma-separated).
   */
  previousKeys: z.array(z.string().trim().min(1, 'must not be blank')).default([]),
  /**
   * The key file, relative to the settings file's folder; default `./secrets.keys`. When no
   * `key` is given and the file does not exist, the server generates a random key into it
   * (owner-only) on first start. Back it up with the database: without it the secrets are lost.
   */
  keyFile: requiredText('./secrets.keys'),
});

/** `requestHistory`: recording of inbound requests. */
export const RequestHistorySettings = z.strictObject({
  enabled: z.boolean().default(true),
  /** Request body bytes kept per entry, 0–1 MiB; default 64 KiB. */
  maxRequestBodyBytes: clampedInt(0, MIB, 65_536),
  /** Response body bytes kept per entry, 0–1 MiB; default 64 KiB. */
  maxResponseBodyBytes: clampedInt(0, MIB, 65_536),
  /** Days entries are kept, 1–3650; default 30. */
  retentionDays: clampedInt(1, 3650, 30),
  /** Minutes between prunes, 1–1440; default 60. */
  pruneIntervalMinutes: clampedInt(1, 1440, 60),
});

/** `audit`: the audit log of security-relevant actions. */
export const AuditSettings = z.strictObject({
  /** Days audit events are kept, 1–3650; default 90. */
  retentionDays: clampedInt(1, 3650, 90),
  /** Minutes between sweeps of events past their retention, 1–1440; default 60. */
  sweepIntervalMinutes: clampedInt(1, 1440, 60),
});

/** `engine`: dispatch and workers. */
export const EngineSettings = z.strictObject({
  /** Run the queue and scheduler loop; default true. */
  queueEnabled: z.boolean().default(true),
  /** The server runs flows itself as the pseudo-worker `wrk_local_server`; default true. */
  serverCanExecuteWorkload: z.boolean().default(true),
  /** `LeastLoaded` (default) or `LabelPinned`; any other value means `LeastLoaded`. */
  loadBalancingStrategy: z
    .string()
    .transform((value): LoadBalancingStrategy => (value === 'LabelPinned' ? 'LabelPinned' : 'LeastLoaded'))
    .default('LeastLoaded'),
  /** Runs executed at once by the server, 1–1024; default 4. */
  maxConcurrentRuns: clampedInt(1, 1024, 4),
  /**
   * Runs of one tenant executed at once by the server, 0–1024; 0 (default) = three quarters of
   * `maxConcurrentRuns` rounded down, at least 1, so another tenant always finds a slot that no
   * run of the first can hold. Values above `maxConcurrentRuns` lift the cap.
   */
  maxConcurrentRunsPerTenant: clampedInt(0, 1024, 0),
  /**
   * On SIGTERM/SIGINT, how long running runs may go on before they are stopped, in ms, 0–3600000;
   * default 15000. Queued runs are not waited for: they stay queued for the next start.
   */
  shutdownGracePeriodMs: clampedInt(0, 3_600_000, 15_000),
  /** Queue poll period in ms, 100–60000; default 1000. */
  pollIntervalMs: clampedInt(100, 60_000, 1000),
  /** Assignment lease in ms, 1000–86400000; default 300000. */
  leaseDurationMs: clampedInt(1000, 86_400_000, 300_000),
  /** Silence after which a worker is offline, in ms; default 30000. */
  workerHeartbeatTimeoutMs: clampedInt(1000, 86_400_000, 30_000),
  /** Dispatch attempts before a run fails, 1–1024; default 3. */
  maxAssignmentAttempts: clampedInt(1, 1024, 3),
  /** Allow more than one scheduler at a time; default false. */
  allowDuplicateScheduler: z.boolean().default(false),
  /**
   * Lease of the scheduler role among servers sharing a database, in ms, 3000–300000; default
   * 15000. The holder renews it every third; when it dies another server takes the role within
   * about one lease plus one `pollIntervalMs`.
   */
  schedulerLeaseMs: clampedInt(3000, 300_000, 15_000),
  /** Comma-separated module paths scanned for built-in steps. */
  stepAssemblyPaths: optionalText(),
  /** Period of the queue-depth gauge in ms, 1000–600000; default 15000. */
  queueDepthSampleIntervalMs: clampedInt(1000, 600_000, 15_000),
  /**
   * Largest final output of a run in UTF-8 bytes, 1 KiB–16 MiB; default 4 MiB. A run whose output
   * is larger ends as `Exception` with no output rather than a cut one.
   */
  maxRunOutputBytes: clampedInt(1024, 16 * MIB, 4 * MIB),
  /**
   * Largest input of a run in UTF-8 bytes (a trigger's body, a direct run's `data` and `metadata`
   * as JSON), 1 KiB–16 MiB; default 1 MiB. A larger one is refused with `413 PayloadTooLarge` and
   * no run is created.
   */
  maxRunInputBytes: clampedInt(1024, 16 * MIB, MIB),
  /**
   * `invocationAuthMode` of a flow created without one: `Public` (default, what existing clients
   * expect: the trigger id alone fires the flow) or `ApiAuthenticated` (trigger calls need
   * credentials allowed on the flow's tenant). Flows already saved keep their own mode.
   */
  defaultInvocationAuthMode: DataFlowInvocationAuthMode.default('Public'),
  /**
   * Days a finished run's rows (the run, its step runs, assignments and worker activity) are
   * kept after it completed, 0–3650; 0 (default) keeps them forever. A run is never removed while
   * `Queued` or `Running`, nor before `artifacts.flowRunReplayRetentionDays` has passed, the time
   * its snapshot keeps its artifact versions for replay. Pruned every hour, in batches.
   */
  runRetentionDays: clampedInt(0, 3650, 0),
});

/** `hydration`: first-boot seeding. */
export const HydrationSettings = z.strictObject({
  /** Seed the defaults into an empty database; default true. */
  seedDefaults: z.boolean().default(true),
  defaultTenantName: requiredText('Default Tenant'),
  defaultAdminEmail: requiredText('admin@tempo.local'),
  defaultAdminPassword: requiredText('password'),
  defaultUserEmail: requiredText('user@tempo.local'),
  defaultUserPassword: requiredText('password'),
  /** Optional JSON file of flows, steps and triggers, relative to the settings file's folder. */
  hydrationFile: optionalText(),
});

/** `artifacts`: stored handler packages. */
export const ArtifactSettings = z.strictObject({
  /** Blob folder; default `./artifacts`. */
  rootPath: requiredText('./artifacts'),
  /** Largest upload in bytes, up to 2 GiB; default 100 MiB. */
  maxUploadBytes: clampedInt(1, 2 * GIB, 100 * MIB),
  /** Storage per tenant in bytes, up to 1 TiB; default 1 GiB. */
  maxBytesPerTenant: clampedInt(1, 1024 * GIB, GIB),
  /** Days a deleted version is kept before collection, 0–3650; default 7. */
  versionGracePeriodDays: clampedInt(0, 3650, 7),
  /** Days run snapshots keep their versions, 1–3650; default 30. */
  flowRunReplayRetentionDays: clampedInt(1, 3650, 30),
  /** Versions kept per artifact, 0–100000; 0 = unlimited. */
  maxVersionsPerArtifact: clampedInt(0, 100_000, 0),
  /** Versions collected per pass, 1–10000; default 100. */
  gcBatchSize: clampedInt(1, 10_000, 100),
  /** Minutes between collections, 1–1440; default 60. */
  gcIntervalMinutes: clampedInt(1, 1440, 60),
  /**
   * Packages unzipped at once on this server (uploads checked and packages unpacked for runs),
   * 1–64; default 2. More wait their turn.
   */
  maxConcurrentExtractions: clampedInt(1, 64, 2),
});

export type ArtifactSettings = z.infer<typeof ArtifactSettings>;

/** `runtimes.externalExecution.isolation`: how a handler's process tree is contained. */
export const HandlerIsolationSetting = z.enum(['auto', 'namespace', 'tracking']);
export type HandlerIsolationSetting = z.infer<typeof HandlerIsolationSetting>;

/** `runtimes.externalExecution.persistentMode`: whether warm handler processes are offered. */
export const PersistentMode = z.enum(['Auto', 'Off']);
export type PersistentMode = z.infer<typeof PersistentMode>;

/** `runtimes.externalExecution`: limits of handler processes. */
export const ExternalExecutionSettings = z.strictObject({
  /** Handler processes at once on this host, 1–1024; default 4. */
  maxConcurrentProcessesServerWide: clampedInt(1, 1024, 4),
  /** Handler processes at once per tenant, 1–256; default 2. */
  maxConcurrentProcessesPerTenant: clampedInt(1, 256, 2),
  /** Time limit of a handler without its own, in ms, 100–86400000; default 30000. */
  defaultMaxRuntimeMs: clampedInt(100, 86_400_000, 30_000),
  /** Captured stdout per invocation in bytes, up to 1 GiB; default 1 MiB. */
  maxStdoutBytes: clampedInt(0, GIB, MIB),
  /** Captured stderr per invocation in bytes, up to 1 GiB; default 1 MiB. */
  maxStderrBytes: clampedInt(0, GIB, MIB),
  /** Request size per invocation in bytes, up to 1 GiB; default 1 MiB. */
  maxInputBytes: clampedInt(0, GIB, MIB),
  /** Result size per invocation in bytes, up to 1 GiB; default 1 MiB. */
  maxOutputBytes: clampedInt(0, GIB, MIB),
  /** Per-run working folders; default `./scratch`. */
  scratchRoot: requiredText('./scratch'),
  /** Unpacked artifact cache; default `./runtime-cache`. */
  cacheRoot: requiredText('./runtime-cache'),
  /** Environment variable names passed to every handler process; default none. */
  environmentAllowList: z.array(z.string()).default([]),
  /** Network policy of handler processes; only `disabled` (no policy) exists. */
  networkPolicyMode: z.string().default('disabled'),
  /** Kill the whole process tree on cancel or timeout; default true. */
  killProcessTreeOnCancel: z.boolean().default(true),
  /**
   * How a handler's process tree is held together (with `killProcessTreeOnCancel`): `namespace`
   * runs each call in a PID namespace of its own, which the kernel empties when the handler ends;
   * `tracking` follows the tree through `/proc` and a marker variable; `auto` (default) uses a
   * namespace where the host allows one and tracking elsewhere.
   */
  isolation: HandlerIsolationSetting.default('auto'),
  /**
   * In `namespace` isolation with the server running as root, each call sees the server's data
   * folder, database, key file, artifact store, package cache, scratch and log folders as empty,
   * except its own package and scratch folder, every other mount read-only, and runs as
   * `handlerUser` without capabilities; default true. No effect in `tracking` mode.
   */
  hideServerFiles: z.boolean().default(true),
  /**
   * The user and group (`uid:gid`, numbers) a handler runs as once its call's files are hidden
   * (same conditions as `hideServerFiles`); default `65534:65534` (`nobody`). Without it a
   * handler keeps uid 0, which reads every root-owned file the hiding does not cover. `0:0`
   * keeps the old behaviour and is not advised.
   */
  handlerUser: z
    .string()
    .regex(/^\d{1,10}:\d{1,10}$/, 'must be "uid:gid" in numbers, e.g. "65534:65534"')
    .default('65534:65534'),
  /**
   * Host paths hidden from handlers along with the server's files (same conditions): a handler
   * still reads what its `handlerUser` may (world-readable files, open sockets), so the places
   * where a host keeps other people's data, credentials and sockets are covered. A runtime
   * installed below one of them (an interpreter under `/root`) is put back read-only.
   */
  hiddenHostPaths: z
    .array(
      z
        .string()
        .min(1)
        .refine((path) => path.startsWith('/'), 'must be an absolute path'),
    )
    .default([
      '/root',
      '/home',
      '/tmp',
      '/var/tmp',
      '/var/lib',
      '/var/spool',
      '/var/log',
      '/var/cache',
      '/var/backups',
      '/run',
      '/srv',
      '/mnt',
      '/media',
      '/opt',
      '/etc/shadow',
      '/etc/shadow-',
      '/etc/gshadow',
      '/etc/gshadow-',
      '/etc/sudoers',
      '/etc/sudoers.d',
      '/etc/ssh',
      '/etc/ssl/private',
      '/etc/mysql',
      '/etc/security/opasswd',
    ]),
  /**
   * Data memory (`RLIMIT_DATA`) each handler process may use, in MiB, 0–1048576; 0 = no limit.
   * Default 2048. Applied on Linux only.
   */
  memoryLimitMb: clampedInt(0, 1_048_576, 2048),
  /** CPU time each handler process may use, in seconds, 0–86400; 0 (default) = no limit. Linux only. */
  cpuTimeLimitSeconds: clampedInt(0, 86_400, 0),
  /** Python interpreter; default `python3` (the spec's `python` is missing on many Linux hosts). */
  pythonExecutable: requiredText('python3'),
  /** Node.js executable; default `node`. */
  nodeExecutable: requiredText('node'),
  /** .NET host; default `dotnet`. */
  dotnetExecutable: requiredText('dotnet'),
  /** Allow `pip install` of a Python artifact's requirements into the cache; default false. */
  allowPythonDependencyInstall: z.boolean().default(false),
  /**
   * C# source-step builds (`dotnet publish`) at once on this server, 1–64; default 2. A request
   * that finds every slot taken is refused with `429` rather than waiting behind builds that may
   * each take minutes.
   */
  maxConcurrentSourceBuilds: clampedInt(1, 64, 2),
  /**
   * Warm handler processes (protocol v1 persistent mode): `Auto` (default) offers it to source
   * steps and to artifacts whose manifest says `persistent: true`; `Off` starts one process per
   * invocation for every step.
   */
  persistentMode: PersistentMode.default('Auto'),
  /** Idle warm processes kept per tenant, artifact version and handler, 0–64; default 2. */
  warmPoolSize: clampedInt(0, 64, 2),
  /** An idle warm process ends after this many ms, 1000–86400000; default 60000. */
  warmIdleTimeoutMs: clampedInt(1000, 86_400_000, 60_000),
  /** A warm process ends after this many invocations, 1–1000000; default 1000. */
  warmMaxInvocations: clampedInt(1, 1_000_000, 1000),
});

export type ExternalExecutionSettings = z.infer<typeof ExternalExecutionSettings>;

/** Which extra arguments a host executable accepts. */
export const HostExecutableArgumentPolicy = z.strictObject({
  /** Accept arguments from the step beyond the fixed ones; default false. */
  allowAdditionalArguments: z.boolean().default(false),
  /** Most extra arguments, 0–256; default 32. */
  maxArguments: clampedInt(0, 256, 32),
  /** Extra arguments allowed verbatim. */
  allowedValues: z.array(z.string()).default([]),
  /**
   * Extra arguments allowed by prefix, compared by path segment: `data/` admits `data/in.csv`,
   * never `data/../x`; `--label=` admits `--label=x`. Blank prefixes are refused.
   */
  allowedPrefixes: z.array(z.string().trim().min(1, 'must not be blank')).default([]),
});

/** One operator-approved executable of `runtimes.hostExecutables.allowList`. */
export const HostExecutableEntry = z.strictObject({
  /** Selector steps name; matched exactly. */
  key: z.string().trim().min(1, 'must not be blank'),
  displayName: optionalText(),
  /** Absolute path; set by the operator only, never by a tenant. */
  executablePath: z
    .string()
    .trim()
    .min(1, 'must not be blank')
    // A bare name would be looked up on PATH from the server's folder, so which program runs
    // would depend on how the server was started.
    .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'must be an absolute path (/usr/bin/tool, C:\\Tools\\tool.exe)'),
  /** Working folder; default the executable's folder. */
  workingDirectory: optionalText(),
  /** Fixed arguments, placed before any extra ones. */
  arguments: z.array(z.string()).default([]),
  /** Environment variable names passed to the process. */
  environmentAllowList: z.array(z.string()).default([]),
  /** Time limit in ms, 0–86400000; 0 = the step's or the default. */
  maxRuntimeMs: clampedInt(0, 86_400_000, 0),
  enabled: z.boolean().default(true),
  argumentPolicy: HostExecutableArgumentPolicy.prefault({}),
});

export type HostExecutableEntry = z.infer<typeof HostExecutableEntry>;

/** Host names: letters, digits, hyphens and dots, as DNS spells them. */
const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/**
 * One entry of `runtimes.outboundRest.allowedTargets`: a host name (matched exactly, ignoring
 * case), an IP address or a CIDR range.
 */
export const OutboundTarget = z
  .string()
  .trim()
  .refine(
    (value) => proxyAddressFormats.some((format) => format.safeParse(value).success) || HOST_NAME.test(value),
    'must be a host name, an IP address or a CIDR range (10.0.0.0/8, fd00::/8)',
  );

/** `runtimes.outboundRest`: what REST steps may call and how much they may read. */
export const OutboundRestSettings = z.strictObject({
  /**
   * Targets a REST step may call although they are private, loopback, link-local or cloud
   * metadata addresses, which are refused otherwise. Default `[]`: public addresses only.
   */
  allowedTargets: z.array(OutboundTarget).default([]),
  /** Time limit of a REST step whose `timeoutMs` is 0, in ms, 100–86400000; default 30000. */
  defaultTimeoutMs: clampedInt(100, 86_400_000, 30_000),
  /**
   * Largest response body in bytes after decompression, 1 KiB–1 GiB; default 2 MiB, whose base64
   * form stays under the default `engine.maxRunOutputBytes`.
   */
  maxResponseBytes: clampedInt(1024, GIB, 2 * MIB),
  /** Redirects followed per call, 0–20; 0 answers the 3xx itself. Default 5. */
  maxRedirects: clampedInt(0, 20, 5),
  /** Characters of a failed response's body quoted in the step's error, 0–65536; default 2048. */
  maxErrorBodyChars: clampedInt(0, 65_536, 2048),
});

export type OutboundRestSettings = z.infer<typeof OutboundRestSettings>;

/** `runtimes`: handler processes and host executables. */
export const RuntimesSettings = z.strictObject({
  externalExecution: ExternalExecutionSettings.prefault({}),
  outboundRest: OutboundRestSettings.prefault({}),
  hostExecutables: z
    .strictObject({
      /** Enable the `Host.Executable` runtime; default false. */
      enabled: z.boolean().default(false),
      allowList: z.array(HostExecutableEntry).default([]),
    })
    .prefault({}),
});

/** `logViewer`: the admin service-log viewer. */
export const LogViewerSettings = z.strictObject({
  /** Folder holding one log folder per worker; default `./worker-logs`. */
  workerRootPath: requiredText('./worker-logs'),
  /** The name workers log under, a plain name ending in `.log`; default `tempo-worker.log`. */
  workerLogFilename: logFileName('tempo-worker.log'),
  defaultTailLines: clampedInt(1, 100_000, 200),
  maxTailLines: clampedInt(1, 100_000, 5000),
  defaultMaxBytes: clampedInt(1, 64 * MIB, 131_072),
  maxReadBytes: clampedInt(1, 64 * MIB, MIB),
});

/** `runLogs`: per-run log files. */
export const RunLogSettings = z.strictObject({
  enabled: z.boolean().default(true),
  /** Folder of the run logs; default `./run-logs`. */
  rootPath: requiredText('./run-logs'),
  retentionDays: clampedInt(1, 3650, 7),
  pruneIntervalMinutes: clampedInt(1, 1440, 60),
  defaultTailLines: clampedInt(1, 100_000, 400),
  defaultMaxBytes: clampedInt(1, 64 * MIB, 262_144),
  maxTailLines: clampedInt(1, 100_000, 5000),
  maxReadBytes: clampedInt(1, 64 * MIB, MIB),
  /**
   * Bytes one run may write over all its log files (a Tempo setting beyond the spec); past it
   * writes stop and one truncation marker line is written. Default 10 MiB, 4 KiB to 1 GiB.
   */
  maxBytesPerRun: clampedInt(4096, GIB, 10 * MIB),
});

/**
 * `telemetry`: OpenTelemetry export (spec §3.1), the same block for server, worker and MCP
 * server. Variables: `TEMPO_TELEMETRY_*` (`TEMPO_TELEMETRY_OTLP_ENDPOINT`, ...); an unparseable
 * one is ignored with a warning rather than stopping the start.
 */
export const TelemetrySettings = z.strictObject({
  /** Master switch; default true. Off: no provider, exporter, listener or span is created. */
  enabled: z.boolean().default(true),
  /** OTel `service.name`; default by service (`tempo-server`, `tempo-worker`, `tempo-mcp`). */
  serviceName: optionalText(),
  /** Push metrics and traces over OTLP; default true. Failing exports are warned about, rate-limited. */
  otlpEnabled: z.boolean().default(true),
  /** Base URL of the OTLP receiver, absolute http(s); default `http://127.0.0.1:4317`. */
  otlpEndpoint: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4317'),
  /**
   * `grpc` (default) or `httpprotobuf`. This build exports OTLP over HTTP only: `grpc` is
   * accepted, warned about once and exported over HTTP to the same endpoint.
   */
  otlpProtocol: z.enum(['grpc', 'httpprotobuf']).default('grpc'),
  /** Serve `/metrics` in the Prometheus text format from this process; default false. */
  prometheusEnabled: z.boolean().default(false),
  /** Listen address of `/metrics`; default `127.0.0.1`; `*` = every interface (containers). */
  prometheusHostname: requiredText('127.0.0.1'),
  /** Listen port of `/metrics`, 1–65535; default 9464. */
  prometheusPort: clampedInt(1, 65535, 9464),
  /** Export log lines as OTel logs; default true (forced off for the MCP server). */
  logsEnabled: z.boolean().default(true),
  /** 0 verbose, 1 debug, 2 info, 3 warn, 4 error, 5 critical, 7 none; default 2. */
  logsMinimumSeverity: clampedInt(0, 7, 2),
  /** Push logs to Loki directly; default false. */
  lokiEnabled: z.boolean().default(false),
  /** Loki's OTLP base URL (`/v1/logs` is appended); default `http://127.0.0.1:3100/otlp`. */
  lokiEndpoint: z.url().default('http://127.0.0.1:3100/otlp'),
  /** Share of new traces sampled, 0–1 (parent-based: a sampled parent is always followed); default 1. */
  samplingRatio: clampedNumber(0, 1, 1),
  /** Period of OTLP metric exports in ms, 1000–300000; default 15000. */
  metricsExportIntervalMs: clampedInt(1000, 300_000, 15_000),
  /** Report the runtime's own metrics (memory, CPU); default true. */
  includeRuntimeMetrics: z.boolean().default(true),
});
export type TelemetrySettings = z.infer<typeof TelemetrySettings>;

/** The whole `tempo.json`; parsing `{}` yields every default. */
export const TempoSettings = z.strictObject({
  /** When the file was first written. */
  createdUtc: z.iso.datetime({ offset: true }).nullable().default(null),
  rest: RestSettings.prefault({}),
  database: DatabaseSettings.prefault({}),
  logging: LoggingSettings.prefault({}),
  auth: AuthSettings.prefault({}),
  secrets: SecretsSettings.prefault({}),
  requestHistory: RequestHistorySettings.prefault({}),
  audit: AuditSettings.prefault({}),
  engine: EngineSettings.prefault({}),
  hydration: HydrationSettings.prefault({}),
  artifacts: ArtifactSettings.prefault({}),
  runtimes: RuntimesSettings.prefault({}),
  logViewer: LogViewerSettings.prefault({}),
  runLogs: RunLogSettings.prefault({}),
  telemetry: TelemetrySettings.prefault({}),
});
export type TempoSettings = z.infer<typeof TempoSettings>;
/** Settings as written in a file: every field optional. */
export type TempoSettingsInput = z.input<typeof TempoSettings>;
