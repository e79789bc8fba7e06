import {
  allowedTriggerMethods,
  type DataFlowInvocationAuthMode,
  type TriggerHttpMethod,
  type TriggerRecord,
} from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyButton, SelectField } from '../../ui/index.ts';
import { type CurlShell, curlCommand } from './curl-guidance.ts';

const methodOf = (trigger: TriggerRecord | undefined): TriggerHttpMethod => {
  const methods = allowedTriggerMethods(trigger?.configuration);
  return methods.includes('POST') ? 'POST' : (methods[0] ?? 'POST');
};

/** The curl command that fires this flow, following its auth mode, with what it needs explained. */
export function CurlGuidanceCard({
  serverUrl,
  authMode,
  triggers,
}: {
  readonly serverUrl: string;
  readonly authMode: DataFlowInvocationAuthMode;
  readonly triggers: readonly TriggerRecord[];
}) {
  const { t } = useTranslation('flows');
  const [shell, setShell] = useState<CurlShell>('posix');
  const trigger = triggers[0];
  const command = curlCommand({
    serverUrl,
    triggerId: trigger?.id ?? null,
    method: methodOf(trigger),
    authMode,
    body: '{"value":123}',
    shell,
  });
  return (
    <section className="ui-card" aria-label={t('curl.title')}>
      <h3>{t('curl.title')}</h3>
      <p>{authMode === 'Public' ? t('curl.public') : t('curl.authenticated')}</p>
      {trigger ? null : <p className="ui-callout">{t('curl.noTrigger')}</p>}
      <SelectField
        label={t('curl.shell')}
        value={shell}
        onChange={(value) => setShell(value as CurlShell)}
        options={[
          { value: 'posix', label: t('curl.posix') },
          { value: 'windows', label: t('curl.windows') },
        ]}
      />
      <pre className="ui-json" data-testid="flow-curl">
        {command}
      </pre>
      <CopyButton value={command} label={t('curl.title')} />
    </section>
  );
}
