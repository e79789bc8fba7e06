import type { SourceStepCreateResponse } from '@tempo/contracts';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../api/tempo-api.tsx';
import { reportIfUnauthorized } from '../api/unauthorized.ts';
import { useApiQuery } from '../api/use-api-query.ts';
import { ErrorNotice, isJsonText, JsonField, Modal, SelectField } from '../ui/index.ts';
import { WizardDone } from './wizard-done.tsx';
import {
  availableLanguages,
  defaultStepDrafts,
  flowTransitions,
  WIZARD_LANGUAGES,
  type WizardLanguage,
  type WizardStepDraft,
  type WizardStepKey,
} from './wizard-plan.ts';
import {
  createFlows,
  createSteps,
  createTriggers,
  invokeTriggers,
  triggerUrl,
  WIZARD_FLOWS,
  type WizardProgress,
  type WizardTexts,
} from './wizard-run.ts';
import { WizardStepForm } from './wizard-step-form.tsx';
import './wizard.css';

/** The six pages of the wizard (spec §4.3). */
const PAGES = ['welcome', 'steps', 'flows', 'triggers', 'runs', 'done'] as const;
type Page = (typeof PAGES)[number];

const LANGUAGE_LABEL: Readonly<Record<WizardLanguage, string>> = {
  JavaScript: 'JavaScript',
  Python: 'Python',
  CSharp: 'C#',
};

/** The first-run setup wizard: creates and runs the two example flows, page by page. */
export default function SetupWizard({ onClose }: { readonly onClose: () => void }) {
  const { t } = useTranslation('wizard');
  const api = useTempoApi();
  const { client, serverUrl } = api;
  const [page, setPage] = useState<Page>('welcome');
  const [tenantId, setTenantId] = useState(api.tenantId);
  const [language, setLanguage] = useState<WizardLanguage>('JavaScript');
  const names = useMemo(
    () => (key: WizardStepKey) => ({
      name: t(`plan.steps.${key}.name`),
      description: t(`plan.steps.${key}.description`),
    }),
    [t],
  );
  const [drafts, setDrafts] = useState<WizardStepDraft[]>(() => defaultStepDrafts('JavaScript', names));
  const [input, setInput] = useState('{"value":123}');
  const [progress, setProgress] = useState<WizardProgress>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const runtimes = useApiQuery((c) => c.tenant(tenantId).runtimes.list(), [tenantId]);
  const tenants = useApiQuery(
    (c) => (api.isAdmin ? c.tenants.list({ pageSize: 1000 }) : Promise.resolve(null)),
    [api.isAdmin],
  );
  const available = runtimes.data ? availableLanguages(runtimes.data) : [];

  useEffect(() => {
    // Start on a language the tenant can run, once the runtime list says which.
    if (runtimes.data && available.length > 0 && !available.includes(language)) {
      const first = available[0] as WizardLanguage;
      setLanguage(first);
      setDrafts(defaultStepDrafts(first, names));
    }
  }, [runtimes.data, available, language, names]);

  const texts: WizardTexts = (kind, flow) => ({
    name: t(`plan.${kind}s.${flow}.name`),
    description: t(`plan.${kind}s.${flow}.description`),
  });

  const act = async (work: () => Promise<Partial<WizardProgress>>) => {
    setBusy(true);
    setError(null);
    try {
      const done = await work();
      setProgress((previous) => ({ ...previous, ...done }));
    } catch (caught) {
      reportIfUnauthorized(caught);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const stepKeys = (steps: readonly SourceStepCreateResponse[]) =>
    steps.map((created) => created.step.executionKey) as [string, string, string];

  const index = PAGES.indexOf(page);
  const ready: Record<Page, boolean> = {
    welcome: true,
    steps: progress.steps !== undefined,
    flows: progress.flows !== undefined,
    triggers: progress.triggers !== undefined,
    runs: progress.runs !== undefined,
    done: true,
  };

  const action = (): { label: string; run: () => Promise<void> } | null => {
    switch (page) {
      case 'steps':
        return progress.steps
          ? null
          : {
              label: t('actions.createSteps'),
              run: () => act(async () => ({ steps: await createSteps(client, tenantId, language, drafts) })),
            };
      case 'flows':
        return progress.flows || !progress.steps
          ? null
          : {
              label: t('actions.createFlows'),
              run: () =>
                act(async () => ({
                  flows: await createFlows(client, tenantId, stepKeys(progress.steps ?? []), texts),
                })),
            };
      case 'triggers':
        return progress.triggers || !progress.flows
          ? null
          : {
              label: t('actions.createTriggers'),
              run: () =>
                act(async () => ({
                  triggers: await createTriggers(
                    client,
                    tenantId,
                    progress.flows as NonNullable<WizardProgress['flows']>,
                    texts,
                  ),
                })),
            };
      case 'runs':
        return !progress.triggers
          ? null
          : {
              label: progress.runs ? t('actions.runAgain') : t('actions.run'),
              run: () =>
                act(async () => ({
                  runs: await invokeTriggers(
                    client,
                    tenantId,
                    progress.triggers as NonNullable<WizardProgress['triggers']>,
                    JSON.parse(input),
                  ),
                })),
            };
      default:
        return null;
    }
  };
  const current = action();
  const inputValid = isJsonText(input);

  const footer = (
    <div className="wizard-footer">
      <span className="muted">{t('progress', { current: index + 1, total: PAGES.length })}</span>
      <span className="topbar-spacer" />
      <button
        type="button"
        className="button"
        disabled={index === 0 || busy}
        title={t('actions.backHint')}
        onClick={() => setPage(PAGES[index - 1] ?? 'welcome')}
      >
        {t('actions.back')}
      </button>
      {current ? (
        <button
          type="button"
          className="button button-primary"
          disabled={
            busy || (page === 'runs' && !inputValid) || (page === 'steps' && !available.includes(language))
          }
          title={current.label}
          onClick={() => void current.run()}
        >
          {busy ? t('actions.working') : current.label}
        </button>
      ) : null}
      {page === 'done' ? (
        <button
          type="button"
          className="button button-primary"
          title={t('actions.finishHint')}
          onClick={onClose}
        >
          {t('actions.finish')}
        </button>
      ) : (
        <button
          type="button"
          className="button"
          disabled={!ready[page] || busy}
          title={t('actions.nextHint')}
          onClick={() => setPage(PAGES[index + 1] ?? 'done')}
        >
          {t('actions.next')}
        </button>
      )}
    </div>
  );

  return (
    <Modal open title={t('title')} onClose={onClose} footer={footer} size="wide">
      <ol className="wizard-pages" aria-label={t('pagesLabel')}>
        {PAGES.map((name, position) => (
          <li key={name} aria-current={name === page ? 'step' : undefined} data-done={position < index}>
            {t(`pages.${name}.title`)}
          </li>
        ))}
      </ol>
      <div className="wizard-explain">
        {(['what', 'why', 'how'] as const).map((part) => (
          <div key={part}>
            <h3>{t(`explain.${part}`)}</h3>
            <p>{t(`pages.${page}.${part}`)}</p>
          </div>
        ))}
      </div>
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      {page === 'welcome' ? (
        <ul className="wizard-list">
          {(['steps', 'flows', 'triggers', 'runs'] as const).map((item) => (
            <li key={item}>{t(`welcome.creates.${item}`)}</li>
          ))}
        </ul>
      ) : null}
      {page === 'steps' ? (
        <>
          <div className="row">
            {api.isAdmin && tenants.data ? (
              <SelectField
                label={t('steps.tenant')}
                value={tenantId}
                disabled={progress.steps !== undefined}
                onChange={setTenantId}
                options={tenants.data.items.map((tenant) => ({ value: tenant.id, label: tenant.name }))}
              />
            ) : null}
            <SelectField
              label={t('steps.language')}
              hint={t('steps.languageHint')}
              value={language}
              disabled={progress.steps !== undefined}
              onChange={(value) => {
                const chosen = value as WizardLanguage;
                setLanguage(chosen);
                setDrafts(defaultStepDrafts(chosen, names));
              }}
              options={WIZARD_LANGUAGES.map((value) => ({
                value,
                label: LANGUAGE_LABEL[value],
                disabled: !available.includes(value),
              }))}
            />
          </div>
          <ErrorNotice error={runtimes.error} />
          {runtimes.data && available.length === 0 ? (
            <p className="notice notice-warn">{t('steps.noLanguage')}</p>
          ) : null}
          <WizardStepForm language={language} drafts={drafts} onChange={setDrafts} created={progress.steps} />
        </>
      ) : null}
      {page === 'flows' && progress.steps ? (
        <div className="grid-2">
          {WIZARD_FLOWS.map((flow) => {
            const graph = flowTransitions(stepKeys(progress.steps ?? []))[flow];
            return (
              <section key={flow} className="card">
                <h3>{texts('flow', flow).name}</h3>
                <p className="muted">{texts('flow', flow).description}</p>
                <pre className="output">{JSON.stringify(graph, null, 2)}</pre>
                {progress.flows ? <p>{t('flows.created', { id: progress.flows[flow].id })}</p> : null}
              </section>
            );
          })}
        </div>
      ) : null}
      {page === 'triggers' && progress.flows ? (
        <div className="grid-2">
          {WIZARD_FLOWS.map((flow) => (
            <section key={flow} className="card">
              <h3>{texts('trigger', flow).name}</h3>
              <p className="muted">{t(`triggers.method.${flow}`)}</p>
              <p>{t('triggers.flow', { id: progress.flows?.[flow].id ?? '' })}</p>
              {progress.triggers ? (
                <p>
                  <code>{triggerUrl(serverUrl, progress.triggers[flow].id)}</code>
                </p>
              ) : null}
            </section>
          ))}
        </div>
      ) : null}
      {page === 'runs' ? (
        <>
          <JsonField
            label={t('runs.input')}
            hint={t('runs.inputHint')}
            value={input}
            onChange={setInput}
            rows={3}
          />
          {progress.runs ? (
            <ul className="wizard-list">
              {WIZARD_FLOWS.map((flow) => (
                <li key={flow}>
                  {t('runs.summary', {
                    name: texts('flow', flow).name,
                    state: progress.runs?.[flow].run.state ?? '',
                  })}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
      {page === 'done' ? <WizardDone progress={progress} texts={texts} input={input} /> : null}
    </Modal>
  );
}
