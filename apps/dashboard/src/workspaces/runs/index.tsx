import { type FlowRunRecord, FlowRunState } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import {
  ConfirmModal,
  CopyableId,
  DataTable,
  JsonViewerModal,
  PageHeader,
  SelectField,
  usePaging,
  useRecordDialogs,
  useStandardRowActions,
} from '../../ui/index.ts';
import { RunDrawer } from './run-drawer.tsx';
import { isFinished, RunStateBadge, runtimeMsOf } from './run-state.tsx';
import './runs.css';

/** Runs: the run history with filters, and a drawer per run (placement, steps, activity, logs). */
export default function RunsPage() {
  const { t } = useTranslation('runs');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId } = useTempoApi();
  const tenant = client.tenant(tenantId);
  const paging = usePaging();
  const [params, setParams] = useSearchParams();
  const [flowId, setFlowId] = useState('');
  const [state, setState] = useState('');
  const dialogs = useRecordDialogs<FlowRunRecord>();
  const openRunId = params.get('runId');
  const openRun = (runId: string | null) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (runId) next.set('runId', runId);
      else next.delete('runId');
      return next;
    });
  const runs = useApiQuery(
    () =>
      tenant.runs.list({
        pageNumber: paging.pageNumber,
        pageSize: paging.pageSize,
        ...(flowId ? { dataFlowId: flowId } : {}),
        ...(state ? { state: state as FlowRunState } : {}),
      }),
    [tenantId, paging.pageNumber, paging.pageSize, flowId, state],
  );
  const flows = useApiQuery(() => tenant.flows.list({ pageSize: 1000, includeInactive: true }), [tenantId]);
  const flowName = (id: string) => flows.data?.items.find((flow) => flow.id === id)?.name ?? id;
  const rowActions = useStandardRowActions<FlowRunRecord>({
    onView: (run) => openRun(run.id),
    onViewJson: dialogs.openJson,
    onDelete: dialogs.openDelete,
  });
  const setFilter = (apply: () => void) => {
    apply();
    paging.reset();
  };
  return (
    <div className="workspace">
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <DataTable
        caption={t('title')}
        rows={runs.data?.items}
        rowKey={(run) => run.id}
        loading={runs.loading}
        error={runs.error}
        onRefresh={runs.reload}
        paging={paging}
        totalCount={runs.data?.totalCount}
        onRowClick={(run) => openRun(run.id)}
        rowActions={(run) =>
          rowActions(run).filter((action) => action.id !== 'delete' || isFinished(run.state))
        }
        filters={
          <>
            <SelectField
              label={t('fields.flow')}
              value={flowId}
              onChange={(value) => setFilter(() => setFlowId(value))}
              options={[
                { value: '', label: t('filters.allFlows') },
                ...(flows.data?.items ?? []).map((flow) => ({ value: flow.id, label: flow.name })),
              ]}
            />
            <SelectField
              label={t('fields.state')}
              value={state}
              onChange={(value) => setFilter(() => setState(value))}
              options={[
                { value: '', label: t('filters.allStates') },
                ...FlowRunState.options.map((option) => ({ value: option, label: t(`state.${option}`) })),
              ]}
            />
          </>
        }
        columns={[
          { id: 'id', header: tu('fields.id'), cell: (run) => <CopyableId id={run.id} /> },
          { id: 'flow', header: t('fields.flow'), cell: (run) => flowName(run.dataFlowId) },
          { id: 'state', header: t('fields.state'), cell: (run) => <RunStateBadge state={run.state} /> },
          { id: 'dispatch', header: t('fields.dispatchState'), cell: (run) => run.dispatchState },
          {
            id: 'worker',
            header: t('fields.assignedWorkerId'),
            cell: (run) => (run.assignedWorkerId ? <code>{run.assignedWorkerId}</code> : null),
          },
          { id: 'created', header: tu('fields.created'), cell: (run) => format.dateTime(run.createdUtc) },
          {
            id: 'runtime',
            header: t('fields.runtime'),
            cell: (run) => format.duration(runtimeMsOf(run.startedUtc, run.completedUtc)),
          },
        ]}
      />
      {openRunId ? (
        <RunDrawer runId={openRunId} onClose={() => openRun(null)} onChanged={runs.reload} />
      ) : null}
      <ConfirmModal
        open={dialogs.deleting !== null}
        title={t('drawer.deleteTitle')}
        message={t('drawer.deleteBody')}
        recordId={dialogs.deleting?.id}
        onClose={dialogs.closeDelete}
        onConfirm={async () => {
          if (dialogs.deleting) await tenant.runs.delete(dialogs.deleting.id);
          runs.reload();
        }}
      />
      <JsonViewerModal value={dialogs.json} onClose={dialogs.closeJson} />
    </div>
  );
}
