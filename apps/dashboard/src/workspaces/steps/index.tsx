import {
  MAX_PAGE_SIZE,
  type SourceStepCreateResponse,
  type StepRecord,
  type StepRuntimeBindingState,
} from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import {
  Badge,
  type BadgeTone,
  CopyableId,
  DeleteAndJsonDialogs,
  ListTable,
  PageHeader,
  usePaging,
  useRecordDialogs,
  useSearchState,
  useStandardRowActions,
} from '../../ui/index.ts';
import { RegisteredStepsCard } from './registered-steps-card.tsx';
import { RuntimeCatalogCard } from './runtime-catalog-card.tsx';
import { SourceStepModal } from './source-step-modal.tsx';
import { StepConfigModal } from './step-config-modal.tsx';
import './steps.css';

const BINDING_TONES: Readonly<Record<StepRuntimeBindingState, BadgeTone>> = {
  Resolved: 'good',
  Unresolved: 'warn',
  Ambiguous: 'warn',
  Orphaned: 'bad',
};

/** Steps: CRUD with the descriptor-driven config form, source steps, and the runtime catalog. */
export default function StepsPage() {
  const { t } = useTranslation('steps');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId } = useTempoApi();
  const tenant = client.tenant(tenantId);
  const paging = usePaging();
  const search = useSearchState();
  const [sourceOpen, setSourceOpen] = useState(false);
  const [created, setCreated] = useState<SourceStepCreateResponse | null>(null);
  const dialogs = useRecordDialogs<StepRecord>();
  const steps = useApiQuery(
    () =>
      tenant.steps.list({
        pageNumber: paging.pageNumber,
        pageSize: paging.pageSize,
        includeInactive: search.includeInactive,
      }),
    [tenantId, paging.pageNumber, paging.pageSize, search.includeInactive],
  );
  const runtimes = useApiQuery(() => tenant.runtimes.list(), [tenantId]);
  // The card matches built-ins against every step of the tenant, not just the page shown.
  const builtins = useApiQuery(async () => {
    const [registered, all] = await Promise.all([
      client.steps.registered(),
      tenant.steps.list({ pageNumber: 1, pageSize: MAX_PAGE_SIZE, includeInactive: true }),
    ]);
    return { registered, steps: all.items };
  }, [tenantId]);
  const reloadSteps = () => {
    steps.reload();
    builtins.reload();
  };
  const rowActions = useStandardRowActions<StepRecord>({
    onEdit: dialogs.openEdit,
    onViewJson: dialogs.openJson,
    onDelete: dialogs.openDelete,
  });
  return (
    <div className="workspace">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          <>
            <button
              type="button"
              className="ui-button"
              title={t('source.title')}
              onClick={() => setSourceOpen(true)}
            >
              {t('source.open')}
            </button>
            <button
              type="button"
              className="ui-button ui-button-primary"
              title={t('config.createTitle')}
              onClick={dialogs.openCreate}
            >
              {t('create')}
            </button>
          </>
        }
      />
      {created ? (
        <div className="ui-callout" role="status">
          {t('source.created', { key: created.step.executionKey, version: created.artifactVersion.version })}{' '}
          <CopyableId id={created.step.id} />
        </div>
      ) : null}
      <ListTable
        caption={t('title')}
        list={steps}
        search={search}
        rowKey={(step) => step.id}
        paging={paging}
        rowActions={rowActions}
        columns={[
          { id: 'name', header: tu('fields.name'), cell: (step) => step.name },
          { id: 'key', header: t('fields.executionKey'), cell: (step) => <code>{step.executionKey}</code> },
          { id: 'id', header: tu('fields.id'), cell: (step) => <CopyableId id={step.id} /> },
          { id: 'runtime', header: t('fields.runtime'), cell: (step) => <code>{step.runtimeKey}</code> },
          {
            id: 'binding',
            header: t('fields.binding'),
            cell: (step) => (
              <Badge
                text={t(`binding.${step.runtimeBindingState}`)}
                tone={BINDING_TONES[step.runtimeBindingState]}
                hint={step.runtimeBindingMessage ?? undefined}
              />
            ),
          },
          { id: 'active', header: tu('fields.active'), cell: (step) => format.boolean(step.active) },
          {
            id: 'updated',
            header: tu('fields.updated'),
            cell: (step) => format.dateTime(step.lastUpdateUtc),
          },
        ]}
      />
      <RegisteredStepsCard
        registered={builtins.data?.registered}
        steps={builtins.data?.steps}
        tenantId={tenantId}
        loading={builtins.loading}
        error={builtins.error}
        onEdit={dialogs.openEdit}
        onDelete={dialogs.openDelete}
      />
      <RuntimeCatalogCard runtimes={runtimes.data} loading={runtimes.loading} error={runtimes.error} />
      {dialogs.editing !== undefined ? (
        <StepConfigModal
          step={dialogs.editing}
          runtimes={runtimes.data ?? []}
          onClose={dialogs.closeEdit}
          onSaved={() => {
            dialogs.closeEdit();
            reloadSteps();
          }}
        />
      ) : null}
      {sourceOpen ? (
        <SourceStepModal
          runtimes={runtimes.data ?? []}
          onClose={() => setSourceOpen(false)}
          onCreated={(result) => {
            setCreated(result);
            setSourceOpen(false);
            reloadSteps();
          }}
        />
      ) : null}
      <DeleteAndJsonDialogs
        dialogs={dialogs}
        deleteTitle={t('delete.title')}
        deleteMessage={(record) => t('delete.body', { name: record.name })}
        recordId={(record) => record.id}
        onDelete={async (record) => {
          await tenant.steps.delete(record.id);
          reloadSteps();
        }}
      />
    </div>
  );
}
