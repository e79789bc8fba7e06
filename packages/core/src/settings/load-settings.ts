import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TempoSettings, type TempoSettingsInput } from '@tempo/contracts';
import type { z } from 'zod';
import { assertUsableAuthSecrets, missingAuthSecrets } from './auth-secrets.ts';
import { applyEnvOverrides } from './env-overrides.ts';
import { matchKeyCase } from './schema-walk.ts';
import { SettingsError } from './settings-error.ts';

/** Options of {@link loadSettings}. */
export interface LoadSettingsOptions {
  readonly filePath: string;
  /** Environment for `TEMPO_*` overrides; default none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Write the defaults to `filePath` when it does not exist (first start). */
  readonly writeDefaults?: boolean;
  /**
   * Prepare the auth secrets for a server start: generate the missing ones into the file (as
   * `./tempo up` always did) and refuse a blank one or the published development signing key.
   */
  readonly prepareAuthSecrets?: boolean;
}

/** Loaded settings and the notes an operator should see (clamped values). */
export interface LoadedSettings {
  readonly settings: TempoSettings;
  readonly warnings: readonly string[];
}

const describeIssue = (issue: z.core.$ZodIssue): { field: string; problem: string } => {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return { field: [...path, issue.keys[0] ?? ''].join('.'), problem: 'is not a known setting' };
  }
  return { field: path.join('.'), problem: issue.message };
};

const readRaw = (filePath: string): Record<string, unknown> => {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new SettingsError(`${filePath}: cannot be read (${(error as Error).message}).`, '', filePath);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(`${filePath}: is not valid JSON (${(error as Error).message}).`, '', filePath);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SettingsError(`${filePath}: must hold a JSON object.`, '', filePath);
  }
  return raw as Record<string, unknown>;
};

/** Dotted paths of numeric leaves whose value parsing changed (clamped into range). */
const clampedFields = (raw: unknown, parsed: unknown, path: string[] = []): string[] => {
  if (typeof raw === 'number' && typeof parsed === 'number') {
    return raw === parsed ? [] : [`${path.join('.')} ${raw} is out of range; using ${parsed}`];
  }
  if (typeof raw !== 'object' || raw === null || typeof parsed !== 'object' || parsed === null) return [];
  return Object.entries(raw).flatMap(([key, value]) =>
    clampedFields(value, (parsed as Record<string, unknown>)[key], [...path, key]),
  );
};

// The file holds the signing and credential hash keys, so it and a folder made for it are owner-only.
const writeSettingsFile = (filePath: string, content: unknown): void => {
  mkdirSync(dirname(filePath), { recursive: true, mode: 0o700 });
  const temporary = `${filePath}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, filePath);
};

/** Writes settings atomically (temporary file, then rename), camelCase, indented and owner-only. */
export const saveSettings = (filePath: string, settings: TempoSettingsInput): void =>
  writeSettingsFile(filePath, settings);

/**
 * Loads `tempo.json`: a missing file means every default (written out when `writeDefaults`),
 * keys match in any case, `TEMPO_*` variables override the file, out-of-range numbers are
 * clamped (reported as warnings), and anything else wrong throws a {@link SettingsError} whose
 * one-line message names the file or variable and the field.
 */
export const loadSettings = (options: LoadSettingsOptions): LoadedSettings => {
  const { filePath } = options;
  let raw: Record<string, unknown> = {};
  let changed = false;
  if (existsSync(filePath)) {
    raw = matchKeyCase(readRaw(filePath), TempoSettings) as Record<string, unknown>;
  } else if (options.writeDefaults) {
    raw = TempoSettings.parse({ createdUtc: new Date().toISOString() });
    changed = true;
  }
  const { settings: merged, sources, ignored } = applyEnvOverrides(raw, options.env ?? {});
  const parsed = TempoSettings.safeParse(merged);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const { field, problem } = issue ? describeIssue(issue) : { field: '', problem: 'is invalid' };
    const source = sources.get(field) ?? filePath;
    throw new SettingsError(`${source}: ${field} ${problem}.`, field, source);
  }
  let settings = parsed.data;
  if (options.prepareAuthSecrets) {
    const generated = missingAuthSecrets(settings.auth, sources);
    if (Object.keys(generated).length > 0) {
      // Only the file's own content plus the new secrets is written: variables stay out of it.
      const auth = typeof raw.auth === 'object' && raw.auth !== null ? raw.auth : {};
      raw = { ...raw, auth: { ...auth, ...generated } };
      settings = { ...settings, auth: { ...settings.auth, ...generated } };
      changed = true;
    }
    assertUsableAuthSecrets(settings.auth, (field) => sources.get(`auth.${field}`) ?? filePath);
  }
  if (changed) writeSettingsFile(filePath, raw);
  return { settings, warnings: [...ignored, ...clampedFields(merged, parsed.data)] };
};

/** The settings file to use: `TEMPO_SETTINGS_FILE` when set, else `fallback`. */
export const resolveSettingsPath = (
  env: Readonly<Record<string, string | undefined>>,
  fallback: string,
): string => (env.TEMPO_SETTINGS_FILE?.trim() ? (env.TEMPO_SETTINGS_FILE as string) : fallback);

/** A copy of the settings with every relative path taken from `baseDir` (the settings file's folder). */
export const resolveSettingsPaths = (settings: TempoSettings, baseDir: string): TempoSettings => {
  const at = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const { database, logging, artifacts, runLogs, logViewer, hydration, runtimes, secrets } = settings;
  return {
    ...settings,
    secrets: { ...secrets, keyFile: at(secrets.keyFile) },
    database: {
      ...database,
      filename: database.filename === ':memory:' ? database.filename : at(database.filename),
    },
    logging: { ...logging, logDirectory: at(logging.logDirectory) },
    artifacts: { ...artifacts, rootPath: at(artifacts.rootPath) },
    runLogs: { ...runLogs, rootPath: at(runLogs.rootPath) },
    logViewer: { ...logViewer, workerRootPath: at(logViewer.workerRootPath) },
    hydration: {
      ...hydration,
      hydrationFile: hydration.hydrationFile === null ? null : at(hydration.hydrationFile),
    },
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
