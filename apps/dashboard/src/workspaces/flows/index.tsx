import type { DataFlowRecord, FlowKeyProblem } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import {
  Badge,
  CopyableId,
  DeleteAndJsonDialogs,
  ListTable,
  PageHeader,
  usePaging,
  useRecordDialogs,
  useSearchState,
  useStandardRowActions,
} from '../../ui/index.ts';
import './flows.css';
import { FlowEditorModal } from './flow-editor-modal.tsx';
import { RunFlowModal } from './run-flow-modal.tsx';

/** Data flows: CRUD with the graph editor, the auth-mode choice, curl guidance and "Run". */
export default function FlowsPage() {
  const { t } = useTranslation('flows');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId } = useTempoApi();
  const paging = usePaging();
  const search = useSearchState();
  const dialogs = useRecordDialogs<DataFlowRecord>();
  const [running, setRunning] = useState<DataFlowRecord | null>(null);
  const [warnings, setWarnings] = useState<readonly FlowKeyProblem[]>([]);
  const tenant = client.tenant(tenantId);
  const flows = useApiQuery(
    () =>
      tenant.flows.list({
        pageNumber: paging.pageNumber,
        pageSize: paging.pageSize,
        includeInactive: search.includeInactive,
      }),
    [tenantId, paging.pageNumber, paging.pageSize, search.includeInactive],
  );
  const steps = useApiQuery(() => tenant.steps.list({ pageSize: 1000 }), [tenantId]);
  const triggers = useApiQuery(() => tenant.triggers.list({ pageSize: 1000 }), [tenantId]);
  const rowActions = useStandardRowActions<DataFlowRecord>({
    onEdit: dialogs.openEdit,
    onViewJson: dialogs.openJson,
    onDelete: dialogs.openDelete,
    extraActions: (flow) => [{ id: 'run', label: tu('actions.run'), onSelect: () => setRunning(flow) }],
  });
  const editing = dialogs.editing;
  return (
    <div className="workspace">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          <button
            type="button"
            className="ui-button ui-button-primary"
            title={t('create')}
            onClick={dialogs.openCreate}
          >
            {t('create')}
          </button>
        }
      />
      {warnings.length > 0 ? (
        <div className="ui-callout" role="status">
          <strong>{t('warnings')}</strong>
          <ul>
            {warnings.map((warning) => (
              <li key={`${warning.path}:${warning.key}`}>
                <code>{warning.path}</code> {warning.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ListTable
        caption={t('title')}
        list={flows}
        search={search}
        rowKey={(flow) => flow.id}
        paging={paging}
        rowActions={rowActions}
        columns={[
          { id: 'name', header: tu('fields.name'), cell: (flow) => flow.name },
          { id: 'id', header: tu('fields.id'), cell: (flow) => <CopyableId id={flow.id} /> },
          { id: 'start', header: t('fields.startStep'), cell: (flow) => <code>{flow.startStepId}</code> },
          {
            id: 'auth',
            header: t('fields.authMode'),
            cell: (flow) => (
              <Badge
                text={t(`auth.${flow.invocationAuthMode}.title`)}
                tone={flow.invocationAuthMode === 'Public' ? 'warn' : 'good'}
              />
            ),
          },
          {
            id: 'steps',
            header: t('fields.stepCount'),
            cell: (flow) => format.number(Object.keys(flow.transitions).length),
          },
          { id: 'active', header: tu('fields.active'), cell: (flow) => format.boolean(flow.active) },
          {
            id: 'updated',
            header: tu('fields.updated'),
            cell: (flow) => format.dateTime(flow.lastUpdateUtc),
          },
        ]}
      />
      {editing !== undefined ? (
        <FlowEditorModal
          flow={editing}
          steps={steps.data?.items ?? []}
          triggers={(triggers.data?.items ?? []).filter(
            (trigger) => editing !== null && trigger.dataFlowId === editing.id,
          )}
          onClose={dialogs.closeEdit}
          onSaved={(saved) => {
            setWarnings(saved.warnings ?? []);
            dialogs.closeEdit();
            flows.reload();
          }}
        />
      ) : null}
      {running ? <RunFlowModal flow={running} onClose={() => setRunning(null)} /> : null}
      <DeleteAndJsonDialogs
        dialogs={dialogs}
        deleteTitle={t('delete.title')}
        deleteMessage={(record) => t('delete.body', { name: record.name })}
        recordId={(record) => record.id}
        onDelete={async (record) => {
          await tenant.flows.delete(record.id);
          flows.reload();
        }}
      />
    </div>
  );
}
