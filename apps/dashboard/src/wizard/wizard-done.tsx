import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../api/tempo-api.tsx';
import { useFormat } from '../i18n/format.ts';
import { CopyableId, CopyButton, SelectField, Tiles } from '../ui/index.ts';
import { curlCommand } from './wizard-plan.ts';
import {
  runHeaders,
  TRIGGER_METHOD,
  triggerUrl,
  WIZARD_FLOWS,
  type WizardProgress,
  type WizardTexts,
} from './wizard-run.ts';

type Shell = 'posix' | 'windows';

/** The steps of each flow, by position in the created list. */
const STEPS_OF_FLOW = { echo: [0], chained: [1, 2] } as const;

/** The last page: what was created, how each run went, and how to call the triggers again. */
export const WizardDone = ({
  progress,
  texts,
  input,
}: {
  readonly progress: WizardProgress;
  readonly texts: WizardTexts;
  readonly input: string;
}) => {
  const { t } = useTranslation('wizard');
  const format = useFormat();
  const { serverUrl } = useTempoApi();
  const [shell, setShell] = useState<Shell>(() =>
    navigator.userAgent.includes('Windows') ? 'windows' : 'posix',
  );
  const { steps, flows, triggers, runs } = progress;
  if (!steps || !flows || !triggers || !runs) return <p>{t('done.incomplete')}</p>;
  return (
    <>
      <Tiles
        tiles={[
          { id: 'steps', label: t('done.tiles.steps'), value: format.number(steps.length) },
          { id: 'flows', label: t('done.tiles.flows'), value: format.number(WIZARD_FLOWS.length) },
          { id: 'triggers', label: t('done.tiles.triggers'), value: format.number(WIZARD_FLOWS.length) },
          ...WIZARD_FLOWS.map((flow) => ({
            id: `run-${flow}`,
            label: t('done.tiles.run', { name: texts('flow', flow).name }),
            value: runs[flow].run.state,
            tone: runs[flow].run.state === 'Succeeded' ? ('good' as const) : ('bad' as const),
          })),
        ]}
      />
      <SelectField
        label={t('done.shell')}
        value={shell}
        onChange={(value) => setShell(value as Shell)}
        options={[
          { value: 'posix', label: t('done.shells.posix') },
          { value: 'windows', label: t('done.shells.windows') },
        ]}
      />
      {WIZARD_FLOWS.map((flow) => {
        const { call, run } = runs[flow];
        const url = triggerUrl(serverUrl, triggers[flow].id);
        const curl = curlCommand(
          url,
          TRIGGER_METHOD[flow],
          TRIGGER_METHOD[flow] === 'POST' ? input : null,
          shell,
        );
        return (
          <section key={flow} className="card wizard-result" data-flow={flow}>
            <h3>{texts('flow', flow).name}</h3>
            <dl className="facts">
              {STEPS_OF_FLOW[flow].map((position) => {
                const created = steps[position];
                return created ? (
                  <div key={created.step.id}>
                    <dt>{t('done.step', { key: created.step.executionKey })}</dt>
                    <dd>
                      <CopyableId id={created.step.id} /> <CopyableId id={created.artifact.id} />
                    </dd>
                  </div>
                ) : null;
              })}
              <div>
                <dt>{t('done.flowId')}</dt>
                <dd>
                  <CopyableId id={flows[flow].id} />
                </dd>
              </div>
              <div>
                <dt>{t('done.triggerId')}</dt>
                <dd>
                  <CopyableId id={triggers[flow].id} />
                </dd>
              </div>
              <div>
                <dt>{t('done.runId')}</dt>
                <dd>
                  <CopyableId id={run.id} />
                </dd>
              </div>
              <div>
                <dt>{t('done.status')}</dt>
                <dd>{t('done.statusValue', { status: call.status, state: run.state })}</dd>
              </div>
              <div>
                <dt>{t('done.started')}</dt>
                <dd>{format.dateTime(call.run.startedUtc)}</dd>
              </div>
              <div>
                <dt>{t('done.completed')}</dt>
                <dd>{format.dateTime(call.run.completedUtc)}</dd>
              </div>
              <div>
                <dt>{t('done.runtime')}</dt>
                <dd>{format.duration(call.run.runtimeMs)}</dd>
              </div>
              <div>
                <dt>{t('done.url')}</dt>
                <dd>
                  <code>{url}</code>
                </dd>
              </div>
            </dl>
            <h4>{t('done.curl')}</h4>
            <div className="row">
              <code className="wizard-curl">{curl}</code>
              <CopyButton value={curl} label={t('done.curl')} />
            </div>
            <div className="grid-2">
              <div>
                <h4>{t('done.body')}</h4>
                <pre className="output wizard-body">{JSON.stringify(call.output, null, 2)}</pre>
              </div>
              <div>
                <h4>{t('done.headers')}</h4>
                <pre className="output wizard-headers">
                  {runHeaders(call.headers)
                    .map(([name, value]) => `${name}: ${value}`)
                    .join('\n')}
                </pre>
              </div>
            </div>
          </section>
        );
      })}
    </>
  );
};
