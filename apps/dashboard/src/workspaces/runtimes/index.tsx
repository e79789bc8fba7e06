import type { RuntimeDescriptor } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import {
  DataTable,
  JsonViewerModal,
  PageHeader,
  RuntimeAvailability,
  SelectField,
  Tiles,
  useAvailabilityReason,
  useStandardRowActions,
} from '../../ui/index.ts';

type Scope = 'tenant' | 'server';

/** Runtimes: the catalog of step runtimes, which are available here, and why the others are not. */
export default function RuntimesPage() {
  const { t } = useTranslation('runtimes');
  const format = useFormat();
  const reason = useAvailabilityReason();
  const { tenantId, isAdmin } = useTempoApi();
  const [scope, setScope] = useState<Scope>('tenant');
  const [json, setJson] = useState<unknown>(undefined);
  const runtimes = useApiQuery(
    (api) => (scope === 'server' ? api.runtimes.list() : api.tenant(tenantId).runtimes.list()),
    [tenantId, scope],
  );
  const rows = runtimes.data;
  const available = rows?.filter((runtime) => runtime.availability === 'Available').length ?? 0;
  const rowActions = useStandardRowActions<RuntimeDescriptor>({ onViewJson: setJson });
  return (
    <div className="workspace">
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <Tiles
        tiles={[
          { id: 'total', label: t('tiles.total'), value: format.number(rows?.length ?? 0) },
          { id: 'available', label: t('tiles.available'), value: format.number(available), tone: 'good' },
          {
            id: 'unavailable',
            label: t('tiles.unavailable'),
            value: format.number((rows?.length ?? 0) - available),
            tone: (rows?.length ?? 0) > available ? 'warn' : undefined,
          },
        ]}
      />
      <p className="ui-callout">{t('commands')}</p>
      <DataTable
        caption={t('title')}
        rows={rows}
        rowKey={(runtime) => runtime.runtimeKey}
        loading={runtimes.loading}
        error={runtimes.error}
        onRefresh={runtimes.reload}
        rowActions={rowActions}
        filters={
          isAdmin ? (
            <SelectField
              label={t('scope.label')}
              hint={t('scope.hint')}
              value={scope}
              onChange={(value) => setScope(value as Scope)}
              options={[
                { value: 'tenant', label: t('scope.tenant') },
                { value: 'server', label: t('scope.server') },
              ]}
            />
          ) : null
        }
        columns={[
          { id: 'key', header: t('fields.runtimeKey'), cell: (runtime) => <code>{runtime.runtimeKey}</code> },
          { id: 'name', header: t('fields.displayName'), cell: (runtime) => runtime.displayName },
          {
            id: 'availability',
            header: t('fields.availability'),
            cell: (runtime) => <RuntimeAvailability state={runtime.availability} />,
          },
          { id: 'packaging', header: t('fields.packaging'), cell: (runtime) => runtime.packagingType },
          {
            id: 'contracts',
            header: t('fields.contracts'),
            cell: (runtime) => format.list(runtime.supportedContractTypes),
          },
          {
            id: 'details',
            header: t('fields.details'),
            cell: (runtime) =>
              runtime.availability === 'Available' ? runtime.description : reason(runtime.availability),
          },
        ]}
      />
      <JsonViewerModal value={json} onClose={() => setJson(undefined)} />
    </div>
  );
}
