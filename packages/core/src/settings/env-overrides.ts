import { TempoSettings } from '@tempo/contracts';
import type { z } from 'zod';
import { objectShape, type SettingLeaf, settingLeaves } from './schema-walk.ts';
import { SettingsError } from './settings-error.ts';

const screaming = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** The variable name of a settings path: `TEMPO_` + SCREAMING_SNAKE of each segment, e.g. `TEMPO_REST_PORT`. */
export const envNameOf = (path: readonly string[]): string => `TEMPO_${path.map(screaming).join('_')}`;

/** Prefixes the spec uses for whole sections, mapped to those sections. */
const SECTION_ALIASES: readonly (readonly [string, readonly string[]])[] = [
  ['TEMPO_DB_', ['database']],
  ['TEMPO_EXTERNAL_EXECUTION_', ['runtimes', 'externalExecution']],
  ['TEMPO_LOG_VIEWER_', ['logViewer']],
  ['TEMPO_RUN_LOG_', ['runLogs']],
];

/** Single names of the spec that do not follow the section rule. */
const FIELD_ALIASES: Readonly<Record<string, readonly string[]>> = {
  TEMPO_DB_DATABASE: ['database', 'databaseName'],
  TEMPO_ARTIFACT_ROOT: ['artifacts', 'rootPath'],
  TEMPO_LOG_VIEWER_WORKER_ROOT: ['logViewer', 'workerRootPath'],
  TEMPO_RUN_LOG_ROOT: ['runLogs', 'rootPath'],
};

/** Every variable that sets a field, by name: the derived names first, then the spec's aliases. */
const variables = (() => {
  const leaves = settingLeaves(TempoSettings);
  const byName = new Map<string, SettingLeaf>();
  for (const leaf of leaves) byName.set(envNameOf(leaf.path), leaf);
  for (const [prefix, section] of SECTION_ALIASES) {
    for (const leaf of leaves) {
      const inSection =
        section.every((segment, i) => leaf.path[i] === segment) && leaf.path.length === section.length + 1;
      if (inSection)
        byName.set(`${prefix}${envNameOf(leaf.path.slice(section.length)).slice('TEMPO_'.length)}`, leaf);
    }
  }
  for (const [name, path] of Object.entries(FIELD_ALIASES)) {
    const leaf = leaves.find((candidate) => candidate.path.join('.') === path.join('.'));
    if (leaf) byName.set(name, leaf);
  }
  return byName;
})();

/** Every environment variable name that sets a setting. */
export const settingsEnvNames = (): readonly string[] => [...variables.keys()];

const parseValue = (name: string, text: string, leaf: SettingLeaf): unknown => {
  const bad = (expected: string) =>
    new SettingsError(
      `environment variable ${name}: "${text}" is not ${expected}.`,
      leaf.path.join('.'),
      name,
    );
  switch (leaf.kind) {
    case 'number': {
      const value = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(value)) throw bad('a number');
      return value;
    }
    case 'boolean': {
      const value = text.trim().toLowerCase();
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      throw bad('true, false, 1 or 0');
    }
    case 'enum': {
      const match = leaf.options.find((option) => option.toLowerCase() === text.trim().toLowerCase());
      if (match === undefined) throw bad(`one of ${leaf.options.join(', ')}`);
      return match;
    }
    case 'array': {
      if (!text.trim().startsWith('['))
        return text
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean);
      try {
        const value: unknown = JSON.parse(text);
        if (Array.isArray(value)) return value;
      } catch {
        // Reported below as a bad value.
      }
      throw bad('a JSON array or a comma-separated list');
    }
    case 'string':
      return text;
  }
};

const setPath = (target: Record<string, unknown>, path: readonly string[], value: unknown): void => {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
};

/** Overrides applied to a raw settings object, with the variable that set each path. */
export interface AppliedOverrides {
  readonly settings: Record<string, unknown>;
  /** Dotted settings path → the variable that set it. */
  readonly sources: ReadonlyMap<string, string>;
  /** Why each ignored variable was ignored (sections whose bad values are skipped, see below). */
  readonly ignored: readonly string[];
}

/**
 * Sections whose unparseable variables are ignored rather than refused: the spec makes
 * telemetry best effort (§3.1), so a bad `TEMPO_TELEMETRY_*` value must not stop a service.
 */
const LENIENT_SECTIONS: ReadonlySet<string> = new Set(['telemetry']);

/** The schema of one settings leaf, found by walking the object shapes along its path. */
const leafSchema = (path: readonly string[]): z.ZodType | null => {
  let schema: z.ZodType | null = TempoSettings;
  for (const segment of path) {
    schema = (schema && objectShape(schema)?.[segment]) ?? null;
  }
  return schema;
};

/** A lenient variable's value, or the reason it is ignored. */
const lenientValue = (
  name: string,
  text: string,
  leaf: SettingLeaf,
): { readonly value: unknown } | { readonly ignored: string } => {
  try {
    const value = parseValue(name, text, leaf);
    const checked = leafSchema(leaf.path)?.safeParse(value);
    if (checked && !checked.success)
      return {
        ignored: `environment variable ${name}: "${text}" ${checked.error.issues[0]?.message ?? 'is invalid'}; ignored`,
      };
    return { value };
  } catch (error) {
    return { ignored: `${(error as Error).message.replace(/\.$/, '')}; ignored` };
  }
};

/** Applies every `TEMPO_*` variable that names a setting onto a copy of the raw settings. */
export const applyEnvOverrides = (
  raw: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): AppliedOverrides => {
  const settings = structuredClone(raw);
  const sources = new Map<string, string>();
  const ignored: string[] = [];
  for (const [name, leaf] of variables) {
    const text = env[name];
    if (text === undefined) continue;
    if (LENIENT_SECTIONS.has(leaf.path[0] ?? '')) {
      const lenient = lenientValue(name, text, leaf);
      if ('ignored' in lenient) {
        ignored.push(lenient.ignored);
        continue;
      }
      setPath(settings, leaf.path, lenient.value);
    } else setPath(settings, leaf.path, parseValue(name, text, leaf));
    sources.set(leaf.path.join('.'), name);
  }
  return { settings, sources, ignored };
};
