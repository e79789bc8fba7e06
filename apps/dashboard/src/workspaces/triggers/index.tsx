import type { BulkDeleteResponse, TriggerRecord } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import {
  CopyableId,
  CopyButton,
  CreateButton,
  DeleteAndJsonDialogs,
  ListTable,
  PageHeader,
  useCrudList,
} from '../../ui/index.ts';
import { TriggerEditorModal } from './trigger-editor-modal.tsx';
import './triggers.css';

/** The public URL of an HTTP trigger on this server. */
const triggerUrl = (serverUrl: string, id: string) =>
  `${serverUrl.replace(/\/+$/, '')}/v1.0/triggers/http/${encodeURIComponent(id)}`;

/** Triggers: CRUD, the flow each starts, and the URL an HTTP trigger answers on. */
export default function TriggersPage() {
  const { t } = useTranslation('triggers');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId, serverUrl } = useTempoApi();
  const tenant = client.tenant(tenantId);
  const flows = useApiQuery(() => tenant.flows.list({ pageSize: 1000 }), [tenantId]);
  const flowName = (id: string | null) =>
    id ? (flows.data?.items.find((flow) => flow.id === id)?.name ?? id) : t('fields.noFlow');
  const {
    paging,
    search,
    dialogs,
    list: triggers,
    rowActions,
  } = useCrudList<TriggerRecord>((_client, page) => tenant.triggers.list(page), [tenantId]);
  const [bulkResult, setBulkResult] = useState<BulkDeleteResponse | null>(null);
  return (
    <div className="workspace">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          <CreateButton label={t('create')} hint={t('editor.createTitle')} onClick={dialogs.openCreate} />
        }
      />
      {bulkResult ? (
        <p className="ui-callout" role="status">
          {t('bulk.done', {
            deleted: bulkResult.deletedCount,
            skipped: bulkResult.skippedProtected.length + bulkResult.skippedInUse.length,
          })}
        </p>
      ) : null}
      <ListTable
        caption={t('title')}
        list={triggers}
        search={search}
        rowKey={(trigger) => trigger.id}
        paging={paging}
        rowActions={rowActions}
        onBulkDelete={async (ids) => {
          setBulkResult(await tenant.triggers.bulkDelete(ids));
          triggers.reload();
        }}
        columns={[
          { id: 'name', header: tu('fields.name'), cell: (trigger) => trigger.name },
          { id: 'id', header: tu('fields.id'), cell: (trigger) => <CopyableId id={trigger.id} /> },
          { id: 'type', header: t('fields.type'), cell: (trigger) => trigger.triggerType },
          { id: 'flow', header: t('fields.flow'), cell: (trigger) => flowName(trigger.dataFlowId) },
          {
            id: 'url',
            header: t('fields.url'),
            cell: (trigger) =>
              trigger.triggerType === 'Http' ? (
                <span className="ui-copyable-id">
                  <code>{`/v1.0/triggers/http/${trigger.id}`}</code>
                  <CopyButton value={triggerUrl(serverUrl, trigger.id)} label={t('fields.url')} />
                </span>
              ) : null,
          },
          { id: 'active', header: tu('fields.active'), cell: (trigger) => format.boolean(trigger.active) },
          {
            id: 'updated',
            header: tu('fields.updated'),
            cell: (trigger) => format.dateTime(trigger.lastUpdateUtc),
          },
        ]}
      />
      {dialogs.editing !== undefined ? (
        <TriggerEditorModal
          trigger={dialogs.editing}
          flows={flows.data?.items ?? []}
          onClose={dialogs.closeEdit}
          onSaved={() => {
            dialogs.closeEdit();
            triggers.reload();
          }}
        />
      ) : null}
      <DeleteAndJsonDialogs
        dialogs={dialogs}
        deleteTitle={t('delete.title')}
        deleteMessage={(record) => t('delete.body', { name: record.name })}
        recordId={(record) => record.id}
        onDelete={async (record) => {
          await tenant.triggers.delete(record.id);
          triggers.reload();
        }}
      />
    </div>
  );
}
