import type { RequestHistoryRecord } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import {
  Badge,
  Chart,
  ConfirmModal,
  DataTable,
  JsonViewerModal,
  PageHeader,
  SelectField,
  TextField,
  Tiles,
  usePaging,
  useRecordDialogs,
  useStandardRowActions,
} from '../../ui/index.ts';
import { RequestDetailsModal } from './request-details-modal.tsx';
import {
  deleteMatching,
  deleteRequest,
  listRequests,
  type RequestFilter,
  summarizeRequests,
} from './request-history-api.ts';
import { isTimeRange, TIME_RANGE_IDS, type TimeRange, timeWindow } from './time-range.ts';

const EMPTY_FILTER: RequestFilter = { method: '', pathContains: '', statusCode: '' };

/** Request history: recorded trigger calls, a bucketed activity chart, details, and deletion. */
export default function RequestsPage() {
  const { t } = useTranslation('requests');
  const format = useFormat();
  const { client } = useTempoApi();
  const paging = usePaging();
  const [filter, setFilter] = useState<RequestFilter>(EMPTY_FILTER);
  // The window is fixed when the range is picked or the page refreshed, so list and chart agree.
  const [span, setSpan] = useState(() => timeWindow('day', new Date()));
  const pickRange = (range: TimeRange) => {
    setSpan(timeWindow(range, new Date()));
    paging.reset();
  };
  const [detailsId, setDetailsId] = useState<string | null>(null);
  const [deletingMatching, setDeletingMatching] = useState(false);
  const [deletedCount, setDeletedCount] = useState<number | null>(null);
  const dialogs = useRecordDialogs<RequestHistoryRecord>();
  const key = JSON.stringify(filter);
  const spanKey = JSON.stringify(span);
  const entries = useApiQuery(
    (api) => listRequests(api, filter, span, paging.pageNumber, paging.pageSize),
    [key, spanKey, paging.pageNumber, paging.pageSize],
  );
  const summary = useApiQuery((api) => summarizeRequests(api, filter, span), [key, spanKey]);
  // A window moved to now reloads both through their deps; within the same minute, reload them.
  const reload = () => {
    const next = timeWindow(span.range, new Date());
    if (next.toUtc !== span.toUtc) setSpan(next);
    else {
      entries.reload();
      summary.reload();
    }
  };
  const setField = (field: keyof RequestFilter) => (value: string) => {
    setFilter((current) => ({ ...current, [field]: value }));
    paging.reset();
  };
  const rowActions = useStandardRowActions<RequestHistoryRecord>({
    onView: (entry) => setDetailsId(entry.id),
    onViewJson: dialogs.openJson,
    onDelete: dialogs.openDelete,
  });
  const buckets = summary.data?.buckets ?? [];
  return (
    <div className="workspace">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          <button
            type="button"
            className="ui-button ui-button-danger"
            title={t('deleteMatching.hint')}
            onClick={() => setDeletingMatching(true)}
          >
            {t('deleteMatching.button')}
          </button>
        }
      />
      {deletedCount !== null ? (
        <p className="ui-callout" role="status">
          {t('deleteMatching.done', { total: deletedCount })}
        </p>
      ) : null}
      <SelectField
        label={t('range.label')}
        hint={t('range.hint')}
        value={span.range}
        onChange={(value) => {
          if (isTimeRange(value)) pickRange(value);
        }}
        options={TIME_RANGE_IDS.map((range) => ({ value: range, label: t(`range.${range}`) }))}
      />
      <Tiles
        tiles={[
          { id: 'total', label: t('tiles.total'), value: format.number(summary.data?.totalCount ?? 0) },
          {
            id: 'success',
            label: t('tiles.success'),
            value: format.number(summary.data?.totalSuccess ?? 0),
            tone: 'good',
          },
          {
            id: 'failure',
            label: t('tiles.failure'),
            value: format.number(summary.data?.totalFailure ?? 0),
            tone: (summary.data?.totalFailure ?? 0) > 0 ? 'bad' : undefined,
          },
          {
            id: 'average',
            label: t('tiles.average'),
            value: format.duration(summary.data?.averageDurationMs ?? 0),
          },
        ]}
      />
      <section className="ui-card" aria-label={t('chart.title')}>
        <h2>{t('chart.title')}</h2>
        <Chart
          type="bar"
          stacked
          label={t('chart.title')}
          labels={buckets.map((bucket) => format.dateTime(bucket.bucketStartUtc))}
          series={[
            {
              label: t('tiles.success'),
              values: buckets.map((bucket) => bucket.successCount),
              color: '#1a7f45',
            },
            {
              label: t('tiles.failure'),
              values: buckets.map((bucket) => bucket.failureCount),
              color: '#b42318',
            },
          ]}
        />
      </section>
      <DataTable
        caption={t('title')}
        rows={entries.data?.items}
        rowKey={(entry) => entry.id}
        loading={entries.loading}
        error={entries.error ?? summary.error}
        onRefresh={reload}
        paging={paging}
        totalCount={entries.data?.totalCount}
        onRowClick={(entry) => setDetailsId(entry.id)}
        rowActions={rowActions}
        onBulkDelete={async (ids) => {
          // The route deletes one entry at a time; a failure stops the rest and shows in the dialog.
          for (const id of ids) await deleteRequest(client, id);
          reload();
        }}
        filters={
          <>
            <SelectField
              label={t('fields.method')}
              value={filter.method}
              onChange={setField('method')}
              options={[
                { value: '', label: t('filters.anyMethod') },
                ...['GET', 'POST', 'PUT', 'DELETE'].map((method) => ({ value: method, label: method })),
              ]}
            />
            <TextField
              label={t('filters.path')}
              value={filter.pathContains}
              onChange={setField('pathContains')}
              mono
            />
            <TextField
              label={t('fields.status')}
              type="number"
              value={filter.statusCode}
              onChange={setField('statusCode')}
            />
          </>
        }
        columns={[
          { id: 'when', header: t('fields.when'), cell: (entry) => format.dateTime(entry.createdUtc) },
          { id: 'method', header: t('fields.method'), cell: (entry) => <code>{entry.method}</code> },
          { id: 'path', header: t('fields.path'), cell: (entry) => <code>{entry.path}</code> },
          {
            id: 'status',
            header: t('fields.status'),
            cell: (entry) => (
              <Badge text={String(entry.statusCode)} tone={entry.statusCode >= 400 ? 'bad' : 'good'} />
            ),
          },
          {
            id: 'duration',
            header: t('fields.duration'),
            cell: (entry) => format.duration(entry.durationMs),
          },
          { id: 'who', header: t('fields.principal'), cell: (entry) => entry.principalName ?? '' },
        ]}
      />
      {detailsId ? <RequestDetailsModal id={detailsId} onClose={() => setDetailsId(null)} /> : null}
      <ConfirmModal
        open={dialogs.deleting !== null}
        title={t('delete.title')}
        message={t('delete.body')}
        recordId={dialogs.deleting?.id}
        onClose={dialogs.closeDelete}
        onConfirm={async () => {
          if (dialogs.deleting) await deleteRequest(client, dialogs.deleting.id);
          reload();
        }}
      />
      <ConfirmModal
        open={deletingMatching}
        title={t('deleteMatching.title')}
        message={t('deleteMatching.body')}
        onClose={() => setDeletingMatching(false)}
        onConfirm={async () => {
          const answer = await deleteMatching(client, filter, span);
          setDeletedCount(answer.deletedCount);
          reload();
        }}
      />
      <JsonViewerModal value={dialogs.json} onClose={dialogs.closeJson} />
    </div>
  );
}
