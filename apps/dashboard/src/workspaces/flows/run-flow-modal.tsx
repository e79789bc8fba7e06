import type { DataFlowRecord, FlowRunRecord } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { CopyableId, FormModal, isJsonText, JsonField } from '../../ui/index.ts';

/** Starts a run of a flow with a JSON input and shows the queued run's id. */
export function RunFlowModal({
  flow,
  onClose,
}: {
  readonly flow: DataFlowRecord;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation('flows');
  const { client, tenantId } = useTempoApi();
  const [input, setInput] = useState('{"value":123}');
  const [run, setRun] = useState<FlowRunRecord | null>(null);
  const submit = async () => {
    const data: unknown = input.trim() === '' ? undefined : JSON.parse(input);
    setRun(await client.tenant(tenantId).flows.run(flow.id, { data }));
  };
  return (
    <FormModal
      open
      title={t('run.title', { name: flow.name })}
      onClose={onClose}
      onSubmit={submit}
      submitLabel={t('run.submit')}
      invalid={!isJsonText(input)}
    >
      <p>{t('run.body')}</p>
      <JsonField label={t('run.input')} value={input} onChange={setInput} />
      {run ? (
        <p className="ui-callout" role="status">
          {t('run.started', { state: run.state })} <CopyableId id={run.id} />
        </p>
      ) : null}
    </FormModal>
  );
}
