import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useParams } from 'react-router';
import { useTempoApi } from '../api/tempo-api.tsx';
import { dismissWizard, shouldOpenWizard, type WizardScope } from '../wizard/wizard-visibility.ts';
import { LanguageSelect } from './language-select.tsx';
import { SECTION_GROUPS, SECTIONS, sectionById } from './sections.ts';
import { TenantPicker } from './tenant-picker.tsx';
import { useTheme } from './theme.ts';
import { WorkspaceView } from './workspace-view.tsx';

const SetupWizard = lazy(() => import('../wizard/setup-wizard.tsx'));

/** Below this width the sidebar starts collapsed to its icons. */
const NARROW_QUERY = '(max-width: 800px)';

const appVersion = import.meta.env.VITE_APP_VERSION ?? 'dev';

/** The signed-in frame: sidebar, top bar, the workspace of `/dashboard/:section`, the wizard. */
export const Shell = () => {
  const { t } = useTranslation('shell');
  const api = useTempoApi();
  const { section: sectionId } = useParams();
  const section = sectionById(sectionId);
  const [collapsed, setCollapsed] = useState(() => window.matchMedia?.(NARROW_QUERY).matches ?? false);
  const [theme, setTheme] = useTheme();
  const [wizardOpen, setWizardOpen] = useState(false);
  const [generation, setGeneration] = useState(0);
  const principalId = api.principal.id ?? null;
  const wizardScope = useMemo<WizardScope>(
    () => ({ serverUrl: api.serverUrl, scope: api.tenantId || principalId }),
    [api.serverUrl, api.tenantId, principalId],
  );

  const { client, tenantId, serverUrl } = api;
  useEffect(() => {
    let current = true;
    shouldOpenWizard(client, tenantId, { serverUrl, scope: tenantId || principalId }).then(
      (open) => {
        if (current && open) setWizardOpen(true);
      },
      // The wizard is a convenience: when the check cannot be made, it stays closed.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [client, tenantId, serverUrl, principalId]);

  const closeWizard = useCallback(() => {
    dismissWizard(wizardScope);
    setWizardOpen(false);
    setGeneration((value) => value + 1);
  }, [wizardScope]);

  const visible = SECTIONS.filter((candidate) => api.isAdmin || !candidate.adminOnly);
  const principalLabel = api.principal.email ?? t(`principal.${api.principal.type}`);

  return (
    <div className="shell" data-collapsed={collapsed}>
      <aside className="sidebar" aria-label={t('sidebar.label')}>
        <div className="sidebar-brand" title={t('brand.hint')}>
          <span className="brand-mark" aria-hidden="true">
            ◷
          </span>
          <span className="sidebar-text">{t('brand.name')}</span>
        </div>
        <nav className="sidebar-nav">
          {SECTION_GROUPS.map((group) => {
            const items = visible.filter((candidate) => candidate.group === group);
            if (items.length === 0) return null;
            return (
              <div className="sidebar-group" key={group}>
                <h2 className="sidebar-group-title sidebar-text">{t(`groups.${group}`)}</h2>
                <ul>
                  {items.map((item) => (
                    <li key={item.id}>
                      <NavLink
                        to={`/dashboard/${item.id}`}
                        className="sidebar-link"
                        title={t(`sections.${item.id}.hint`)}
                        aria-label={collapsed ? t(`sections.${item.id}.label`) : undefined}
                      >
                        <span className="sidebar-icon" aria-hidden="true">
                          {item.icon}
                        </span>
                        <span className="sidebar-text">{t(`sections.${item.id}.label`)}</span>
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
        <footer className="sidebar-footer">
          <button
            type="button"
            className="button button-secondary sidebar-wizard"
            title={t('wizard.hint')}
            onClick={() => setWizardOpen(true)}
          >
            <span className="sidebar-icon" aria-hidden="true">
              ✦
            </span>
            <span className="sidebar-text">{t('wizard.open')}</span>
          </button>
          <span className="sidebar-version sidebar-text" title={t('version.hint')}>
            {t('version.label', { version: appVersion })}
          </span>
        </footer>
      </aside>
      <div className="main">
        <header className="topbar">
          <button
            type="button"
            className="button button-icon"
            title={collapsed ? t('topbar.expand') : t('topbar.collapse')}
            aria-label={collapsed ? t('topbar.expand') : t('topbar.collapse')}
            aria-expanded={!collapsed}
            onClick={() => setCollapsed((value) => !value)}
          >
            <span aria-hidden="true">☰</span>
          </button>
          <span className="topbar-title">{t(`sections.${section.id}.label`)}</span>
          <span className="topbar-spacer" />
          {api.isAdmin ? <TenantPicker /> : null}
          <button
            type="button"
            className="button button-icon"
            title={theme === 'dark' ? t('topbar.themeLight') : t('topbar.themeDark')}
            aria-label={theme === 'dark' ? t('topbar.themeLight') : t('topbar.themeDark')}
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          >
            <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
          </button>
          <LanguageSelect />
          <span
            className="topbar-principal"
            title={t('topbar.principalHint', { id: api.principal.id ?? '' })}
          >
            {principalLabel}
          </span>
          <button
            type="button"
            className="button button-secondary"
            title={t('topbar.signOutHint')}
            onClick={api.signOut}
          >
            {t('topbar.signOut')}
          </button>
        </header>
        <main className="workspace" id="workspace">
          <WorkspaceView section={section} tenantId={api.tenantId} generation={generation} />
        </main>
      </div>
      {wizardOpen ? (
        <Suspense fallback={null}>
          <SetupWizard onClose={closeWizard} />
        </Suspense>
      ) : null}
    </div>
  );
};
