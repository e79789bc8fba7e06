import { type SettingsSaveResponse, SettingsSection } from '@tempo/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { readSettings, saveSettings } from '../../api/settings-api.ts';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { reportIfUnauthorized } from '../../api/unauthorized.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { LanguageSelect } from '../../shell/language-select.tsx';
import { useTheme } from '../../shell/theme.ts';
import { CopyableId, ErrorNotice, JsonField, SelectField, Toggle } from '../../ui/index.ts';
import { PageHeader } from '../../ui/page-header.tsx';
import { changedKeys, DraftError, draftOf, fileOf, type SettingsDraft } from './settings-draft.ts';

/** Settings (spec §4.2): connection, appearance, session, and the server's settings file. */
export default function SettingsPage() {
  const { t } = useTranslation('settings');
  const api = useTempoApi();
  const [theme, setTheme] = useTheme();
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <div className="grid-2">
        <section className="card">
          <h2>{t('connection.title')}</h2>
          <dl className="facts">
            <div>
              <dt>{t('connection.server')}</dt>
              <dd>
                <code>{api.serverUrl}</code>
              </dd>
            </div>
            <div>
              <dt>{t('connection.tenant')}</dt>
              <dd>{api.tenantId ? <CopyableId id={api.tenantId} /> : t('connection.noTenant')}</dd>
            </div>
          </dl>
        </section>
        <section className="card">
          <h2>{t('appearance.title')}</h2>
          <SelectField
            label={t('appearance.theme')}
            value={theme}
            onChange={(value) => setTheme(value === 'dark' ? 'dark' : 'light')}
            options={[
              { value: 'light', label: t('appearance.light') },
              { value: 'dark', label: t('appearance.dark') },
            ]}
          />
          <LanguageSelect showLabel />
        </section>
        <section className="card">
          <h2>{t('session.title')}</h2>
          <dl className="facts">
            <div>
              <dt>{t('session.principal')}</dt>
              <dd>{api.principal.email ?? t(`session.types.${api.principal.type}`)}</dd>
            </div>
            <div>
              <dt>{t('session.type')}</dt>
              <dd>{t(`session.types.${api.principal.type}`)}</dd>
            </div>
          </dl>
          <button type="button" className="button" title={t('session.signOutHint')} onClick={api.signOut}>
            {t('session.signOut')}
          </button>
        </section>
      </div>
      {api.isAdmin ? <ServerSettings /> : <p className="notice">{t('serverAdminOnly')}</p>}
    </>
  );
}

/** The server's settings file: a card per section with its help, or the raw JSON; save, reset, reload. */
const ServerSettings = () => {
  const { t } = useTranslation('settings');
  const { client } = useTempoApi();
  const settings = useApiQuery(readSettings, []);
  const [loaded, setLoaded] = useState<SettingsDraft>({});
  const [draft, setDraft] = useState<SettingsDraft>({});
  const [raw, setRaw] = useState(false);
  const [rawText, setRawText] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<SettingsSaveResponse | null>(null);

  useEffect(() => {
    if (!settings.data) return;
    const fresh = draftOf(settings.data.settings);
    setLoaded(fresh);
    setDraft(fresh);
    setRawText(JSON.stringify(settings.data.settings, null, 2));
  }, [settings.data]);

  const changed = raw ? [] : changedKeys(draft, loaded);
  const save = async () => {
    setSaving(true);
    setError(null);
    setSaved(null);
    try {
      const file = raw ? (JSON.parse(rawText) as Record<string, unknown>) : fileOf(draft);
      setSaved(await saveSettings(client, file));
      settings.reload();
    } catch (caught) {
      reportIfUnauthorized(caught);
      setError(
        caught instanceof DraftError
          ? new Error(t('invalidSection', { section: caught.key, message: caught.message }))
          : caught,
      );
    } finally {
      setSaving(false);
    }
  };
  const reset = () => {
    setDraft(loaded);
    setRawText(JSON.stringify(settings.data?.settings ?? {}, null, 2));
    setError(null);
  };

  const data = settings.data;
  const pending = data?.pendingRebootSections ?? [];
  return (
    <section className="settings-server">
      <h2>{t('server.title')}</h2>
      <p className="muted">{data?.path ? t('server.file', { path: data.path }) : t('server.noFile')}</p>
      <p className="muted">{t('server.replaceNote')}</p>
      <div className="row settings-actions">
        <Toggle label={t('server.raw')} hint={t('server.rawHint')} checked={raw} onChange={setRaw} />
        <span className="topbar-spacer" />
        <button
          type="button"
          className="button button-primary"
          disabled={saving || !data?.path}
          title={t('server.saveHint')}
          onClick={() => void save()}
        >
          {saving ? t('server.saving') : t('server.save')}
        </button>
        <button
          type="button"
          className="button"
          disabled={saving}
          title={t('server.resetHint')}
          onClick={reset}
        >
          {t('server.reset')}
        </button>
        <button
          type="button"
          className="button"
          disabled={saving}
          title={t('server.reloadHint')}
          onClick={settings.reload}
        >
          {t('server.reload')}
        </button>
      </div>
      <ErrorNotice error={settings.error ?? error} />
      {pending.length > 0 ? (
        <p className="notice notice-warn" role="status">
          {t('server.pendingReboot', { sections: pending.join(', ') })}
        </p>
      ) : null}
      {saved ? (
        <div className="notice" role="status">
          <p>{t('server.saved', { count: saved.changedFields.length })}</p>
          {saved.rebootRequired.length > 0 ? (
            <p>{t('server.rebootRequired', { sections: saved.rebootRequired.join(', ') })}</p>
          ) : null}
          {saved.warnings.map((warning) => (
            <p key={warning} className="notice-warn">
              {warning}
            </p>
          ))}
        </div>
      ) : null}
      {data && data.environmentOverrides.length > 0 ? (
        <div className="notice">
          <p>{t('server.overrides')}</p>
          <ul>
            {data.environmentOverrides.map((override) => (
              <li key={override.field}>
                <code>{override.field}</code> ← <code>{override.variable}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {raw ? (
        <JsonField label={t('server.rawLabel')} value={rawText} onChange={setRawText} rows={30} />
      ) : (
        SettingsSection.options
          .filter((section) => draft[section] !== undefined)
          .map((section) => (
            <section key={section} className="card" data-section={section}>
              <h3>
                <code>{section}</code>{' '}
                {changed.includes(section) ? <span className="muted">{t('server.changed')}</span> : null}
              </h3>
              <p className="muted">{t(`sections.${section}`)}</p>
              <p className="muted">
                {data?.hotReloadSections.includes(section)
                  ? t('server.appliesNow')
                  : t('server.appliesAtRestart')}
              </p>
              <JsonField
                label={t('server.sectionJson', { section })}
                value={draft[section] ?? ''}
                onChange={(value) => setDraft((previous) => ({ ...previous, [section]: value }))}
                rows={10}
              />
            </section>
          ))
      )}
    </section>
  );
};
