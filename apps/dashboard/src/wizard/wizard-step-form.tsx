import type { SourceStepCreateResponse } from '@tempo/contracts';
import { useTranslation } from 'react-i18next';
import { CodeEditor, CopyableId, TextField } from '../ui/index.ts';
import type { WizardLanguage, WizardStepDraft } from './wizard-plan.ts';

const EDITOR_LANGUAGE = { JavaScript: 'javascript', Python: 'python', CSharp: 'csharp' } as const;

/** The three source steps, editable until they are created; then their ids. */
export const WizardStepForm = ({
  language,
  drafts,
  onChange,
  created,
}: {
  readonly language: WizardLanguage;
  readonly drafts: readonly WizardStepDraft[];
  readonly onChange: (drafts: WizardStepDraft[]) => void;
  readonly created: readonly SourceStepCreateResponse[] | undefined;
}) => {
  const { t } = useTranslation('wizard');
  const edit = (index: number, change: Partial<WizardStepDraft>) =>
    onChange(drafts.map((draft, position) => (position === index ? { ...draft, ...change } : draft)));
  return (
    <div className="wizard-steps">
      {drafts.map((draft, index) => {
        const done = created?.[index];
        return (
          <details key={draft.executionKey + String(index)} className="card" open={index === 0 && !done}>
            <summary>
              {draft.name} <code>{draft.executionKey}</code>
            </summary>
            {done ? (
              <dl className="facts">
                <div>
                  <dt>{t('steps.stepId')}</dt>
                  <dd>
                    <CopyableId id={done.step.id} />
                  </dd>
                </div>
                <div>
                  <dt>{t('steps.artifactId')}</dt>
                  <dd>
                    <CopyableId id={done.artifact.id} />
                  </dd>
                </div>
              </dl>
            ) : (
              <div className="grid-2">
                <TextField
                  label={t('steps.fields.executionKey')}
                  value={draft.executionKey}
                  mono
                  onChange={(value) => edit(index, { executionKey: value })}
                />
                <TextField
                  label={t('steps.fields.name')}
                  value={draft.name}
                  onChange={(value) => edit(index, { name: value })}
                />
                <TextField
                  label={t('steps.fields.description')}
                  value={draft.description}
                  onChange={(value) => edit(index, { description: value })}
                />
                <TextField
                  label={t('steps.fields.fileName')}
                  value={draft.fileName}
                  mono
                  onChange={(value) => edit(index, { fileName: value })}
                />
                <TextField
                  label={t('steps.fields.artifactName')}
                  value={draft.artifactName}
                  mono
                  onChange={(value) => edit(index, { artifactName: value })}
                />
                <TextField
                  label={t('steps.fields.entrypoint')}
                  value={draft.entrypoint}
                  mono
                  onChange={(value) => edit(index, { entrypoint: value })}
                />
                <TextField
                  label={language === 'CSharp' ? t('steps.fields.handlerType') : t('steps.fields.function')}
                  value={draft.handler}
                  mono
                  onChange={(value) => edit(index, { handler: value })}
                />
              </div>
            )}
            {done ? null : (
              <CodeEditor
                label={t('steps.fields.code')}
                language={EDITOR_LANGUAGE[language]}
                value={draft.code}
                onChange={(value) => edit(index, { code: value })}
                minHeight="140px"
              />
            )}
          </details>
        );
      })}
    </div>
  );
};
