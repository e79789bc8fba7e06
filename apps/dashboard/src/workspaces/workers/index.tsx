import type { WorkerSummary } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { listWorkers, workerFleet } from '../../api/workers-api.ts';
import { useFormat } from '../../i18n/format.ts';
import {
  Badge,
  type Column,
  CopyableId,
  DataTable,
  SelectField,
  TextField,
  Tiles,
  usePaging,
} from '../../ui/index.ts';
import { PageHeader } from '../../ui/page-header.tsx';
import { WorkerDrawer } from './worker-drawer.tsx';

type StateFilter = '' | 'Online' | 'Offline';
type FlagFilter = '' | 'true' | 'false';

/** Workers (spec §4.2, admin-only): fleet tiles, filters, the table, and a drawer with actions. */
export default function WorkersPage() {
  const { t } = useTranslation('workers');
  const format = useFormat();
  const { isAdmin } = useTempoApi();
  const paging = usePaging();
  const [state, setState] = useState<StateFilter>('');
  const [drainMode, setDrainMode] = useState<FlagFilter>('');
  const [search, setSearch] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);

  const fleet = useApiQuery(workerFleet, []);
  const workers = useApiQuery(
    (client) =>
      listWorkers(client, {
        pageNumber: paging.pageNumber,
        pageSize: paging.pageSize,
        ...(state ? { state } : {}),
        ...(drainMode ? { drainMode: drainMode === 'true' } : {}),
        ...(search.trim() ? { search: search.trim() } : {}),
      }),
    [paging.pageNumber, paging.pageSize, state, drainMode, search],
  );

  if (!isAdmin) {
    return (
      <>
        <PageHeader title={t('title')} subtitle={t('subtitle')} />
        <p className="notice">{t('common:adminOnly')}</p>
      </>
    );
  }

  const refresh = () => {
    fleet.reload();
    workers.reload();
  };

  const columns: Column<WorkerSummary>[] = [
    { id: 'name', header: t('columns.name'), cell: (worker) => worker.name },
    { id: 'id', header: t('columns.id'), cell: (worker) => <CopyableId id={worker.id} /> },
    { id: 'kind', header: t('columns.kind'), cell: (worker) => t(`kind.${worker.kind}`) },
    {
      id: 'state',
      header: t('columns.state'),
      cell: (worker) => (
        <Badge text={t(`state.${worker.state}`)} tone={worker.state === 'Online' ? 'good' : 'neutral'} />
      ),
    },
    {
      id: 'admission',
      header: t('columns.admission'),
      hint: t('columns.admissionHint'),
      cell: (worker) =>
        !worker.enabled ? (
          <Badge text={t('admission.blocked')} tone="bad" />
        ) : worker.drainMode ? (
          <Badge text={t('admission.draining')} tone="warn" />
        ) : (
          <Badge text={t('admission.accepting')} tone="good" />
        ),
    },
    {
      id: 'load',
      header: t('columns.load'),
      hint: t('columns.loadHint'),
      cell: (worker) => t('load', { active: worker.activeAssignmentCount, max: worker.maxConcurrentRuns }),
    },
    { id: 'labels', header: t('columns.labels'), cell: (worker) => format.list(worker.labels) },
    {
      id: 'heartbeat',
      header: t('columns.heartbeat'),
      cell: (worker) => format.dateTime(worker.lastHeartbeatUtc),
    },
  ];

  const summary = fleet.data;
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      {summary ? (
        <Tiles
          tiles={[
            { id: 'total', label: t('tiles.total'), value: format.number(summary.totalCount) },
            {
              id: 'online',
              label: t('tiles.online'),
              value: format.number(summary.byState.Online),
              tone: 'good',
            },
            { id: 'offline', label: t('tiles.offline'), value: format.number(summary.byState.Offline) },
            {
              id: 'draining',
              label: t('tiles.draining'),
              value: format.number(summary.drainingCount),
              tone: summary.drainingCount > 0 ? 'warn' : undefined,
            },
            {
              id: 'blocked',
              label: t('tiles.blocked'),
              value: format.number(summary.blockedCount),
              tone: summary.blockedCount > 0 ? 'bad' : undefined,
            },
            {
              id: 'sessions',
              label: t('tiles.sessions'),
              value: format.number(summary.liveSessionCount),
              hint: t('tiles.sessionsHint'),
            },
            {
              id: 'assignments',
              label: t('tiles.assignments'),
              value: format.number(summary.activeAssignmentCount),
              hint: t('tiles.assignmentsHint'),
            },
          ]}
        />
      ) : null}
      <DataTable
        caption={t('tableCaption')}
        columns={columns}
        rows={workers.data?.items}
        rowKey={(worker) => worker.id}
        paging={paging}
        totalCount={workers.data?.totalCount}
        loading={workers.loading}
        error={workers.error ?? fleet.error}
        onRefresh={refresh}
        onRowClick={(worker) => setOpenId(worker.id)}
        rowActions={(worker) => [
          { id: 'view', label: t('actions.open'), onSelect: () => setOpenId(worker.id) },
        ]}
        filters={
          <>
            <SelectField
              label={t('filters.state')}
              value={state}
              onChange={(value) => {
                setState(value as StateFilter);
                paging.reset();
              }}
              options={[
                { value: '', label: t('filters.any') },
                { value: 'Online', label: t('state.Online') },
                { value: 'Offline', label: t('state.Offline') },
              ]}
            />
            <SelectField
              label={t('filters.drain')}
              value={drainMode}
              onChange={(value) => {
                setDrainMode(value as FlagFilter);
                paging.reset();
              }}
              options={[
                { value: '', label: t('filters.any') },
                { value: 'true', label: t('admission.draining') },
                { value: 'false', label: t('filters.notDraining') },
              ]}
            />
            <TextField
              label={t('filters.search')}
              hint={t('filters.searchHint')}
              value={search}
              onChange={(value) => {
                setSearch(value);
                paging.reset();
              }}
            />
          </>
        }
      />
      {openId ? <WorkerDrawer workerId={openId} onClose={() => setOpenId(null)} onChanged={refresh} /> : null}
    </>
  );
}
