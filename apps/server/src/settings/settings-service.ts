import { dirname } from 'node:path';
import {
  CommonErrors,
  type SettingsEnvironmentOverride,
  type SettingsMetaResponse,
  type SettingsReadResponse,
  type SettingsSaveResponse,
  TempoError,
  TempoSettings,
} from '@tempo/contracts';
import type { Logger } from '@tempo/core/logging';
import {
  applyEnvOverrides,
  assertUsableAuthSecrets,
  loadSettings,
  resolveSettingsPaths,
  SettingsError,
  saveSettings,
} from '@tempo/core/settings';
import type { SettingsHolder } from './settings-holder.ts';
import { changedFields, maskSecrets, restoreSecrets } from './settings-secrets.ts';
import {
  appliedSections,
  HOT_RELOAD_SECTIONS,
  REBOOT_REQUIRED_SECTIONS,
  restartSections,
} from './settings-sections.ts';
import { securityWarnings } from './settings-warnings.ts';

type Environment = Readonly<Record<string, string | undefined>>;

/** What {@link SettingsService} works on. */
export interface SettingsServiceDependencies {
  /** The settings file the server loaded; null when it was started without one. */
  readonly filePath: string | null;
  /** The running settings, which a save updates. */
  readonly holder: SettingsHolder;
  /** The variables the settings were loaded with (`TEMPO_*` overrides). */
  readonly env: Environment;
  readonly log: Logger;
}

const noFile = () =>
  new TempoError(
    'Conflict',
    409,
    'This server was started without a settings file, so settings cannot be saved.',
  );

const saveFailed = (error: unknown) =>
  new TempoError('SaveFailed', 500, `The settings file could not be written: ${(error as Error).message}`);

/** A settings problem found after the schema (a refused secret) as a 400 naming the body field. */
const asBadRequest = (error: SettingsError) =>
  CommonErrors.badRequest(`Invalid body.${error.field}: ${error.message.replace(/^[^:]*: /, '')}`, {
    issues: [{ field: error.field, message: error.message.replace(/^[^:]*: /, '') }],
  });

/**
 * `GET`/`PUT /v1.0/settings`: reads the settings file (secrets masked), saves a full settings
 * body into it atomically (masked secrets kept, variables' values never written), and applies
 * the hot sections to the running server.
 */
export class SettingsService {
  readonly #deps: SettingsServiceDependencies;
  /** Saves run one at a time: each reads the file the previous one wrote. */
  #saving: Promise<unknown> = Promise.resolve();

  constructor(deps: SettingsServiceDependencies) {
    this.#deps = deps;
  }

  /** Settings set by `TEMPO_*` variables, which win over the file. */
  environmentOverrides(): SettingsEnvironmentOverride[] {
    const { sources } = applyEnvOverrides({}, this.#deps.env);
    return [...sources]
      .map(([field, variable]) => ({ field, variable }))
      .sort((a, b) => a.field.localeCompare(b.field));
  }

  /** `GET /v1.0/settings/meta`. */
  meta(): SettingsMetaResponse {
    return {
      rebootRequiredSections: [...REBOOT_REQUIRED_SECTIONS],
      hotReloadSections: [...HOT_RELOAD_SECTIONS],
      pendingRebootSections: [...this.#deps.holder.pendingReboot],
      environmentOverrides: this.environmentOverrides(),
    };
  }

  /** The file's settings with defaults filled in and no variable applied. */
  #fileSettings(filePath: string): TempoSettings {
    try {
      return loadSettings({ filePath, env: {} }).settings;
    } catch (error) {
      // Edited by hand into something the server could not start with: said, not a 500.
      if (error instanceof SettingsError)
        throw new TempoError('Conflict', 409, `The settings file cannot be read: ${error.message}`, {
          field: error.field,
        });
      throw error;
    }
  }

  /** `GET /v1.0/settings`: the file's settings (or the running ones without a file), secrets masked. */
  read(): SettingsReadResponse {
    const { filePath, holder } = this.#deps;
    const settings = filePath === null ? holder.current : this.#fileSettings(filePath);
    return { ...this.meta(), path: filePath, settings: maskSecrets(settings) };
  }

  /** `PUT /v1.0/settings`: one save at a time. */
  save(body: TempoSettings, callerUsesApiKey: boolean): Promise<SettingsSaveResponse> {
    const run = this.#saving.then(() => this.#save(body, callerUsesApiKey));
    this.#saving = run.catch(() => undefined);
    return run;
  }

  #save(body: TempoSettings, callerUsesApiKey: boolean): SettingsSaveResponse {
    const { filePath, env, holder, log } = this.#deps;
    if (filePath === null) throw noFile();
    const stored = this.#fileSettings(filePath);
    // The file's own first-write time is kept whatever the body says.
    const next: TempoSettings = {
      ...restoreSecrets(body, stored),
      createdUtc: stored.createdUtc ?? body.createdUtc,
    };
    // What the server would run with: the variables still win over the file.
    const { settings: layered, sources } = applyEnvOverrides(next as unknown as Record<string, unknown>, env);
    const effective = TempoSettings.safeParse(layered);
    if (!effective.success) {
      const issue = effective.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      throw CommonErrors.badRequest(
        `Invalid body.${field}: ${issue?.message ?? 'is invalid'} (with the environment variables applied).`,
        {
          issues: [{ field, message: issue?.message ?? 'is invalid' }],
        },
      );
    }
    try {
      // The start-up checks, so a save cannot leave a file the server refuses to start with.
      assertUsableAuthSecrets(effective.data.auth, (field) => sources.get(`auth.${field}`) ?? 'body');
    } catch (error) {
      if (error instanceof SettingsError) throw asBadRequest(error);
      throw error;
    }
    const fields = changedFields(stored, next);
    const warnings = securityWarnings(stored, next, fields);
    if (callerUsesApiKey && fields.includes('auth.adminApiKey'))
      warnings.push(
        'You signed in with x-api-key, whose key this save changes: after the restart the old key is refused.',
      );
    // A file that never had a first-write time does not get a null one.
    const { createdUtc, ...sections } = next;
    try {
      saveSettings(filePath, createdUtc === null ? sections : next);
    } catch (error) {
      throw saveFailed(error);
    }
    holder.apply(resolveSettingsPaths(effective.data, dirname(filePath)));
    if (warnings.length > 0)
      log.warn({ warnings, changedFields: fields }, 'settings saved with security-relevant changes');
    else log.info({ changedFields: fields }, 'settings saved');
    return {
      saved: true,
      rebootRequired: restartSections(stored, next),
      applied: appliedSections(stored, next),
      changedFields: fields,
      warnings,
      environmentOverrides: this.environmentOverrides(),
    };
  }
}
