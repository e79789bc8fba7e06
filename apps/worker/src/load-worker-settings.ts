import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { WorkerSettings } from '@tempo/contracts';
import { matchKeyCase, SettingsError } from '@tempo/core/settings';

/** The default settings file, in the folder the worker starts in. */
export const DEFAULT_WORKER_SETTINGS_FILE = 'tempo.worker.json';

type Env = Readonly<Record<string, string | undefined>>;

/** How an environment variable's text becomes a settings value. */
type ValueKind = 'string' | 'integer' | 'boolean' | 'list';

/** The `TEMPO_WORKER_*` (and shared run-log) overrides of spec §2.4, by variable name. */
const OVERRIDES: Readonly<Record<string, { readonly path: readonly string[]; readonly kind: ValueKind }>> = {
  TEMPO_WORKER_SERVER_ENDPOINT: { path: ['serverEndpoint'], kind: 'string' },
  TEMPO_WORKER_SERVER_ENDPOINTS: { path: ['serverEndpoints'], kind: 'list' },
  TEMPO_WORKER_ID: { path: ['workerId'], kind: 'string' },
  TEMPO_WORKER_TOKEN: { path: ['workerToken'], kind: 'string' },
  TEMPO_WORKER_NAME: { path: ['name'], kind: 'string' },
  TEMPO_WORKER_KIND: { path: ['kind'], kind: 'string' },
  TEMPO_WORKER_MAX_CONCURRENT_RUNS: { path: ['maxConcurrentRuns'], kind: 'integer' },
  TEMPO_WORKER_MAX_TASK_TIMEOUT_MS: { path: ['maxTaskTimeoutMs'], kind: 'integer' },
  TEMPO_WORKER_REQUEST_TIMEOUT_MS: { path: ['requestTimeoutMs'], kind: 'integer' },
  TEMPO_WORKER_LABELS: { path: ['labels'], kind: 'list' },
  TEMPO_WORKER_LOG_DIRECTORY: { path: ['logging', 'logDirectory'], kind: 'string' },
  TEMPO_WORKER_LOG_FILENAME: { path: ['logging', 'logFilename'], kind: 'string' },
  TEMPO_RUN_LOG_ENABLED: { path: ['runLogs', 'enabled'], kind: 'boolean' },
  TEMPO_RUN_LOG_ROOT: { path: ['runLogs', 'rootPath'], kind: 'string' },
};

/** The variables that override worker settings. */
export const WORKER_ENV_NAMES: readonly string[] = Object.keys(OVERRIDES);

const parseValue = (name: string, text: string, kind: ValueKind): unknown => {
  const bad = (expected: string) =>
    new SettingsError(`environment variable ${name}: "${text}" is not ${expected}.`, name, name);
  switch (kind) {
    case 'string':
      return text;
    case 'integer': {
      const value = Number(text.trim());
      if (text.trim() === '' || !Number.isInteger(value)) throw bad('a whole number');
      return value;
    }
    case 'boolean': {
      const value = text.trim().toLowerCase();
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      throw bad('true, false, 1 or 0');
    }
    case 'list':
      return text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
  }
};

const setPath = (target: Record<string, unknown>, path: readonly string[], value: unknown): void => {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
};

/**
 * The settings file to read: `--config`, else `TEMPO_WORKER_SETTINGS_FILE`, else
 * `./tempo.worker.json` in `cwd`. `explicit` says whether one was named (then it must exist).
 */
export const workerSettingsPathOf = (
  configFlag: string | undefined,
  env: Env,
  cwd: string,
): { readonly path: string; readonly explicit: boolean } => {
  const named = configFlag?.trim() || env.TEMPO_WORKER_SETTINGS_FILE?.trim();
  return named
    ? { path: resolve(cwd, named), explicit: true }
    : { path: resolve(cwd, DEFAULT_WORKER_SETTINGS_FILE), explicit: false };
};

const readRaw = (filePath: string): Record<string, unknown> => {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(filePath, 'utf8'));
  } catch (error) {
    throw new SettingsError(
      `${filePath}: cannot be read as JSON (${(error as Error).message}).`,
      '',
      filePath,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new SettingsError(`${filePath}: must hold a JSON object.`, '', filePath);
  return matchKeyCase(raw, WorkerSettings) as Record<string, unknown>;
};

/** Options of {@link loadWorkerSettings}. */
export interface LoadWorkerSettingsOptions {
  /** The `--config` argument, if given. */
  readonly configFlag?: string | undefined;
  readonly env?: Env;
  /** Folder relative paths start from when no file is named; default the process's. */
  readonly cwd?: string;
}

/** Loaded worker settings, the file they came from and the notes an operator should see. */
export interface LoadedWorkerSettings {
  readonly settings: WorkerSettings;
  readonly filePath: string;
  readonly warnings: readonly string[];
}

const clampWarnings = (raw: unknown, parsed: unknown, path: string[] = []): string[] => {
  if (typeof raw === 'number' && typeof parsed === 'number')
    return raw === parsed ? [] : [`${path.join('.')} ${raw} is out of range; using ${parsed}`];
  if (typeof raw !== 'object' || raw === null || typeof parsed !== 'object' || parsed === null) return [];
  return Object.entries(raw).flatMap(([key, value]) =>
    clampWarnings(value, (parsed as Record<string, unknown>)[key], [...path, key]),
  );
};

/** The worker's folders taken from the settings file's folder, as the server resolves its own. */
const withAbsolutePaths = (settings: WorkerSettings, baseDir: string): WorkerSettings => {
  const at = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const { logging, runLogs, runtimes } = settings;
  return {
    ...settings,
    logging: { ...logging, logDirectory: at(logging.logDirectory) },
    runLogs: { ...runLogs, rootPath: at(runLogs.rootPath) },
    runtimes: {
      ...runtimes,
      externalExecution: {
        ...runtimes.externalExecution,
        scratchRoot: at(runtimes.externalExecution.scratchRoot),
        cacheRoot: at(runtimes.externalExecution.cacheRoot),
      },
    },
  };
};

/**
 * Loads `tempo.worker.json` (spec §2.4): keys in any case, `TEMPO_WORKER_*` variables over the
 * file, out-of-range numbers clamped (as warnings), a missing default file = every default,
 * `name` defaulting to the host name. Refuses, with a {@link SettingsError} naming the file or
 * variable and the field, bad values and a missing `workerToken`.
 */
export const loadWorkerSettings = (options: LoadWorkerSettingsOptions = {}): LoadedWorkerSettings => {
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  const { path: filePath, explicit } = workerSettingsPathOf(options.configFlag, env, cwd);
  if (explicit && !existsSync(filePath))
    throw new SettingsError(`${filePath}: the worker settings file does not exist.`, '', filePath);
  const raw = existsSync(filePath) ? readRaw(filePath) : {};
  const merged = structuredClone(raw);
  const sources = new Map<string, string>();
  for (const [name, override] of Object.entries(OVERRIDES)) {
    const text = env[name];
    if (text === undefined) continue;
    setPath(merged, override.path, parseValue(name, text, override.kind));
    sources.set(override.path.join('.'), name);
  }
  const parsed = WorkerSettings.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue?.code === 'unrecognized_keys'
        ? [...issue.path.map(String), issue.keys[0] ?? ''].join('.')
        : (issue?.path.map(String).join('.') ?? '');
    const problem =
      issue?.code === 'unrecognized_keys' ? 'is not a known setting' : (issue?.message ?? 'is invalid');
    const source = sources.get(field) ?? filePath;
    throw new SettingsError(`${source}: ${field} ${problem}.`, field, source);
  }
  if (parsed.data.workerToken === '')
    throw new SettingsError(
      `${filePath}: workerToken is required; set it there or in TEMPO_WORKER_TOKEN (an administrator issues one with POST /v1.0/workers/${parsed.data.workerId}/rotate-token).`,
      'workerToken',
      filePath,
    );
  const settings = withAbsolutePaths(
    { ...parsed.data, name: parsed.data.name ?? hostname() },
    dirname(filePath),
  );
  return { settings, filePath, warnings: clampWarnings(merged, parsed.data) };
};
