import type { RuntimeDescriptor, SourceStepCreateResponse } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { CodeEditor, FormModal, TextField, Toggle } from '../../ui/index.ts';
import { SOURCE_LANGUAGE_INFO, SOURCE_LANGUAGES, type SourceLanguage } from './source-templates.ts';

/** Props of {@link SourceStepModal}. */
export interface SourceStepModalProps {
  /** The tenant's runtime catalog: a language whose runtime is not available cannot be chosen. */
  readonly runtimes: readonly RuntimeDescriptor[];
  readonly onClose: () => void;
  readonly onCreated: (created: SourceStepCreateResponse) => void;
}

/** Creates an artifact-backed step from code pasted in Python, JavaScript or C#. */
export function SourceStepModal({ runtimes, onClose, onCreated }: SourceStepModalProps) {
  const { t } = useTranslation('steps');
  const tu = useTranslation('ui').t;
  const { client, tenantId } = useTempoApi();
  const isAvailable = (language: SourceLanguage) =>
    runtimes.some(
      (runtime) =>
        runtime.runtimeKey === SOURCE_LANGUAGE_INFO[language].runtimeKey &&
        runtime.availability === 'Available',
    );
  const [language, setLanguage] = useState<SourceLanguage>(
    () => SOURCE_LANGUAGES.find(isAvailable) ?? 'Python',
  );
  const [form, setForm] = useState({
    name: '',
    executionKey: '',
    description: '',
    artifactName: '',
    entrypoint: 'main',
    function: 'run',
    handlerType: 'Tempo.UserSteps.Handler',
    active: true,
  });
  const [code, setCode] = useState(SOURCE_LANGUAGE_INFO[language].template);
  const [fileName, setFileName] = useState(SOURCE_LANGUAGE_INFO[language].fileName);
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) =>
    setForm((current) => ({ ...current, [key]: value }));
  const info = SOURCE_LANGUAGE_INFO[language];

  const chooseLanguage = (next: SourceLanguage) => {
    // Swap the template only while it is untouched, so pasted code is never lost.
    if (code === info.template) setCode(SOURCE_LANGUAGE_INFO[next].template);
    if (fileName === info.fileName) setFileName(SOURCE_LANGUAGE_INFO[next].fileName);
    setLanguage(next);
  };
  const optional = (value: string) => (value.trim() === '' ? null : value.trim());
  const submit = async () => {
    const created = await client.tenant(tenantId).steps.fromSource({
      name: form.name,
      executionKey: optional(form.executionKey),
      description: optional(form.description),
      language,
      code,
      fileName: optional(fileName),
      artifactName: optional(form.artifactName),
      entrypoint: form.entrypoint,
      ...(language === 'CSharp' ? { handlerType: form.handlerType } : { function: form.function }),
      contractType: 'Loose',
      active: form.active,
    });
    onCreated(created);
  };
  const noneAvailable = !SOURCE_LANGUAGES.some(isAvailable);
  return (
    <FormModal
      open
      size="wide"
      title={t('source.title')}
      onClose={onClose}
      onSubmit={submit}
      submitLabel={t('source.submit')}
      invalid={form.name.trim() === '' || code.trim() === ''}
    >
      <p>{t('source.body')}</p>
      {noneAvailable ? <p className="ui-callout">{t('source.noneAvailable')}</p> : null}
      <fieldset className="steps-languages">
        <legend>{t('source.language')}</legend>
        {SOURCE_LANGUAGES.map((candidate) => (
          <label
            key={candidate}
            className="ui-toggle"
            title={
              isAvailable(candidate)
                ? t(`source.languages.${candidate}`)
                : t('source.languageUnavailable', { runtime: SOURCE_LANGUAGE_INFO[candidate].runtimeKey })
            }
          >
            <input
              type="radio"
              name="source-language"
              value={candidate}
              checked={language === candidate}
              disabled={!isAvailable(candidate)}
              onChange={() => chooseLanguage(candidate)}
            />
            <span>{t(`source.languages.${candidate}`)}</span>
          </label>
        ))}
      </fieldset>
      <div className="ui-form-row">
        <TextField
          label={tu('fields.name')}
          value={form.name}
          onChange={(value) => set('name', value)}
          required
        />
        <TextField
          label={t('fields.executionKey')}
          hint={t('fields.executionKeyHint')}
          value={form.executionKey}
          onChange={(value) => set('executionKey', value)}
          mono
        />
      </div>
      <TextField
        label={tu('fields.description')}
        value={form.description}
        onChange={(value) => set('description', value)}
      />
      <div className="ui-form-row">
        <TextField label={t('source.fileName')} value={fileName} onChange={setFileName} mono />
        <TextField
          label={t('source.artifactName')}
          hint={t('source.artifactNameHint')}
          value={form.artifactName}
          onChange={(value) => set('artifactName', value)}
        />
        <TextField
          label={t('source.entrypoint')}
          value={form.entrypoint}
          onChange={(value) => set('entrypoint', value)}
          mono
        />
        {language === 'CSharp' ? (
          <TextField
            label={t('source.handlerType')}
            hint={t('source.handlerTypeHint')}
            value={form.handlerType}
            onChange={(value) => set('handlerType', value)}
            mono
          />
        ) : (
          <TextField
            label={t('source.function')}
            hint={t('source.functionHint')}
            value={form.function}
            onChange={(value) => set('function', value)}
            mono
          />
        )}
      </div>
      <Toggle label={tu('fields.active')} checked={form.active} onChange={(value) => set('active', value)} />
      <CodeEditor label={t('source.code')} language={info.editor} value={code} onChange={setCode} />
    </FormModal>
  );
}
