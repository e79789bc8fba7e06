import type {
  RuntimeConfig,
  RuntimeDescriptor,
  RuntimeKey,
  StepContractType,
  StepRecord,
} from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import {
  FormModal,
  isJsonText,
  JsonField,
  SelectField,
  TextField,
  Toggle,
  useAvailabilityReason,
} from '../../ui/index.ts';
import { configToForm, fieldKindOf, formToConfig } from './runtime-config-form.ts';

/** Props of {@link StepConfigModal}. */
export interface StepConfigModalProps {
  /** The step edited, or null for a new one. */
  readonly step: StepRecord | null;
  readonly runtimes: readonly RuntimeDescriptor[];
  readonly onClose: () => void;
  readonly onSaved: () => void;
}

const textOf = (value: string | null | undefined) => value ?? '';

/** Create or edit a step; the runtime's descriptor decides which config fields it shows. */
export function StepConfigModal({ step, runtimes, onClose, onSaved }: StepConfigModalProps) {
  const { t } = useTranslation('steps');
  const tu = useTranslation('ui').t;
  const reason = useAvailabilityReason();
  const { client, tenantId } = useTempoApi();
  const firstAvailable =
    runtimes.find((runtime) => runtime.availability === 'Available')?.runtimeKey ?? 'External.Rest';
  const [runtimeKey, setRuntimeKey] = useState<RuntimeKey>(step?.runtimeKey ?? firstAvailable);
  const descriptor = runtimes.find((runtime) => runtime.runtimeKey === runtimeKey);
  const properties = descriptor?.configProperties ?? [];
  const [config, setConfig] = useState<Record<string, string>>(() =>
    configToForm(properties, (step?.runtimeConfig ?? null) as Record<string, unknown> | null),
  );
  const [form, setForm] = useState({
    executionKey: textOf(step?.executionKey),
    name: textOf(step?.name),
    description: textOf(step?.description),
    contractType: (step?.contractType ?? 'Loose') as StepContractType,
    inputSchema: textOf(step?.inputSchema),
    outputSchema: textOf(step?.outputSchema),
    validateInput: step?.validateInput ?? false,
    validateOutput: step?.validateOutput ?? false,
    maxRuntimeMs: String(step?.maxRuntimeMs ?? 0),
    active: step?.active ?? true,
  });
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) =>
    setForm((current) => ({ ...current, [key]: value }));
  const chooseRuntime = (key: RuntimeKey) => {
    setRuntimeKey(key);
    setConfig({});
  };
  const jsonProperties = properties.filter((property) => fieldKindOf(property.type) === 'json');
  const invalid =
    form.executionKey.trim() === '' ||
    form.name.trim() === '' ||
    !isJsonText(form.inputSchema) ||
    !isJsonText(form.outputSchema) ||
    jsonProperties.some((property) => !isJsonText(config[property.name] ?? ''));

  const submit = async () => {
    const body = {
      executionKey: form.executionKey,
      name: form.name,
      description: form.description === '' ? null : form.description,
      runtimeKey,
      // The server is the judge of a config (its 400 says which field is wrong); the form only types it.
      runtimeConfig: formToConfig(runtimeKey, properties, config) as RuntimeConfig,
      contractType: form.contractType,
      inputSchema: form.inputSchema.trim() === '' ? null : form.inputSchema,
      outputSchema: form.outputSchema.trim() === '' ? null : form.outputSchema,
      validateInput: form.validateInput,
      validateOutput: form.validateOutput,
      maxRuntimeMs: Number(form.maxRuntimeMs) || 0,
      active: form.active,
    };
    const steps = client.tenant(tenantId).steps;
    if (step) await steps.update(step.id, body);
    else await steps.create(body);
    onSaved();
  };

  return (
    <FormModal
      open
      size="wide"
      title={step ? t('config.editTitle') : t('config.createTitle')}
      onClose={onClose}
      onSubmit={submit}
      invalid={invalid}
    >
      <div className="ui-form-row">
        <TextField
          label={t('fields.executionKey')}
          hint={t('fields.executionKeyHint')}
          value={form.executionKey}
          onChange={(value) => set('executionKey', value)}
          mono
          required
        />
        <TextField
          label={tu('fields.name')}
          value={form.name}
          onChange={(value) => set('name', value)}
          required
        />
      </div>
      <TextField
        label={tu('fields.description')}
        value={form.description}
        onChange={(value) => set('description', value)}
      />
      <SelectField
        label={t('fields.runtime')}
        hint={descriptor ? descriptor.description : undefined}
        value={runtimeKey}
        onChange={(value) => chooseRuntime(value as RuntimeKey)}
        options={runtimes.map((runtime) => ({
          value: runtime.runtimeKey,
          label:
            runtime.availability === 'Available'
              ? `${runtime.displayName} (${runtime.runtimeKey})`
              : `${runtime.displayName} (${runtime.runtimeKey}) · ${reason(runtime.availability)}`,
          disabled: runtime.availability !== 'Available' && runtime.runtimeKey !== step?.runtimeKey,
        }))}
      />
      <section className="ui-card" aria-label={t('config.runtimeConfig')}>
        <h3>{t('config.runtimeConfig')}</h3>
        {properties.length === 0 ? <p>{t('config.noConfig')}</p> : null}
        <div className="ui-form-row">
          {properties.map((property) => {
            const value = config[property.name] ?? '';
            const onChange = (next: string) =>
              setConfig((current) => ({ ...current, [property.name]: next }));
            const label = property.required
              ? t('config.requiredField', { name: property.name })
              : property.name;
            const hint = property.description ?? property.type;
            switch (fieldKindOf(property.type)) {
              case 'boolean':
                return (
                  <Toggle
                    key={property.name}
                    label={label}
                    hint={hint}
                    checked={value === 'true'}
                    onChange={(checked) => onChange(String(checked))}
                  />
                );
              case 'choice':
                return (
                  <SelectField
                    key={property.name}
                    label={label}
                    hint={hint}
                    value={value}
                    onChange={onChange}
                    options={[
                      { value: '', label: t('config.serverDefault') },
                      ...property.type.split('|').map((choice) => ({ value: choice, label: choice })),
                    ]}
                  />
                );
              case 'json':
                return (
                  <JsonField
                    key={property.name}
                    label={label}
                    hint={hint}
                    value={value}
                    onChange={onChange}
                    rows={4}
                  />
                );
              case 'number':
                return (
                  <TextField
                    key={property.name}
                    label={label}
                    hint={hint}
                    type="number"
                    value={value}
                    onChange={onChange}
                  />
                );
              case 'text':
                break;
            }
            return (
              <TextField
                key={property.name}
                label={label}
                hint={hint}
                value={value}
                onChange={onChange}
                mono
              />
            );
          })}
        </div>
      </section>
      <div className="ui-form-row">
        <SelectField
          label={t('fields.contractType')}
          hint={t('fields.contractTypeHint')}
          value={form.contractType}
          onChange={(value) => set('contractType', value as StepContractType)}
          options={(descriptor?.supportedContractTypes ?? ['Loose']).map((contract) => ({
            value: contract,
            label: contract,
          }))}
        />
        <TextField
          label={t('fields.maxRuntimeMs')}
          type="number"
          value={form.maxRuntimeMs}
          onChange={(value) => set('maxRuntimeMs', value)}
        />
      </div>
      <Toggle
        label={t('fields.validateInput')}
        checked={form.validateInput}
        onChange={(value) => set('validateInput', value)}
      />
      <Toggle
        label={t('fields.validateOutput')}
        checked={form.validateOutput}
        onChange={(value) => set('validateOutput', value)}
      />
      <Toggle label={tu('fields.active')} checked={form.active} onChange={(value) => set('active', value)} />
      {form.contractType === 'Schema' ? (
        <div className="ui-form-row">
          <JsonField
            label={t('fields.inputSchema')}
            value={form.inputSchema}
            onChange={(value) => set('inputSchema', value)}
            rows={5}
          />
          <JsonField
            label={t('fields.outputSchema')}
            value={form.outputSchema}
            onChange={(value) => set('outputSchema', value)}
            rows={5}
          />
        </div>
      ) : null}
    </FormModal>
  );
}
