import {
  type DataFlowRecord,
  TriggerHttpMethod as Methods,
  type TriggerHttpMethod,
  type TriggerRecord,
  TriggerType,
} from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { FormModal, isJsonText, JsonField, SelectField, TextField, Toggle } from '../../ui/index.ts';
import { configurationToForm, formToConfiguration } from './trigger-configuration.ts';

/** Create or edit a trigger: type, linked flow, allowed methods, header rules, body schema. */
export function TriggerEditorModal({
  trigger,
  flows,
  onClose,
  onSaved,
}: {
  readonly trigger: TriggerRecord | null;
  readonly flows: readonly DataFlowRecord[];
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) {
  const { t } = useTranslation('triggers');
  const tu = useTranslation('ui').t;
  const { client, tenantId } = useTempoApi();
  const initial = configurationToForm(trigger?.configuration ?? null);
  const [form, setForm] = useState({
    name: trigger?.name ?? '',
    description: trigger?.description ?? '',
    triggerType: trigger?.triggerType ?? 'Http',
    dataFlowId: trigger?.dataFlowId ?? '',
    active: trigger?.active ?? true,
  });
  const [methods, setMethods] = useState<readonly TriggerHttpMethod[]>(
    trigger ? initial.allowedMethods : ['POST'],
  );
  const [headers, setHeaders] = useState(initial.headers);
  const [bodySchema, setBodySchema] = useState(initial.bodySchema);
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) =>
    setForm((current) => ({ ...current, [key]: value }));
  const toggleMethod = (method: TriggerHttpMethod, on: boolean) =>
    setMethods((current) =>
      on ? [...current.filter((m) => m !== method), method] : current.filter((m) => m !== method),
    );
  const submit = async () => {
    const body = {
      name: form.name,
      description: form.description === '' ? null : form.description,
      triggerType: form.triggerType,
      dataFlowId: form.dataFlowId === '' ? null : form.dataFlowId,
      configuration: formToConfiguration({ allowedMethods: methods, headers, bodySchema }),
      active: form.active,
    };
    const triggers = client.tenant(tenantId).triggers;
    if (trigger) await triggers.update(trigger.id, body);
    else await triggers.create(body);
    onSaved();
  };
  return (
    <FormModal
      open
      title={trigger ? t('editor.editTitle') : t('editor.createTitle')}
      onClose={onClose}
      onSubmit={submit}
      invalid={
        form.name.trim() === '' || !isJsonText(headers) || !isJsonText(bodySchema) || methods.length === 0
      }
    >
      <TextField
        label={tu('fields.name')}
        value={form.name}
        onChange={(value) => set('name', value)}
        required
      />
      <TextField
        label={tu('fields.description')}
        value={form.description}
        onChange={(value) => set('description', value)}
      />
      <div className="ui-form-row">
        <SelectField
          label={t('fields.type')}
          hint={t('fields.typeHint')}
          value={form.triggerType}
          onChange={(value) => set('triggerType', value as TriggerType)}
          options={TriggerType.options.map((type) => ({ value: type, label: type }))}
        />
        <SelectField
          label={t('fields.flow')}
          value={form.dataFlowId}
          onChange={(value) => set('dataFlowId', value)}
          options={[
            { value: '', label: t('fields.noFlow') },
            ...flows.map((flow) => ({ value: flow.id, label: flow.name })),
          ]}
        />
      </div>
      <fieldset className="triggers-methods">
        <legend>{t('fields.methods')}</legend>
        {Methods.options.map((method) => (
          <Toggle
            key={method}
            label={method}
            checked={methods.includes(method)}
            onChange={(on) => toggleMethod(method, on)}
          />
        ))}
      </fieldset>
      <JsonField
        label={t('fields.headers')}
        hint={t('fields.headersHint')}
        value={headers}
        onChange={setHeaders}
        rows={4}
      />
      <JsonField
        label={t('fields.bodySchema')}
        hint={t('fields.bodySchemaHint')}
        value={bodySchema}
        onChange={setBodySchema}
        rows={5}
      />
      <Toggle label={tu('fields.active')} checked={form.active} onChange={(value) => set('active', value)} />
    </FormModal>
  );
}
