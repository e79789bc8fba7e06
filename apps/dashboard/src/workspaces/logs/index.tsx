import type { LogFileRecord, LogSourceKind } from '@tempo/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { logFiles, logSources } from '../../api/logs-api.ts';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import { Badge, type Column, DataTable, SelectField, Tiles, Toggle } from '../../ui/index.ts';
import { PageHeader } from '../../ui/page-header.tsx';
import { LogViewer } from './log-viewer.tsx';
import './logs.css';

/** How often auto-refresh reads the file list and the tail again (spec §4.4). */
const AUTO_REFRESH_MS = 5000;

const sourceKey = (kind: string, id: string) => `${kind}:${id}`;

/** The admin log viewer (spec §4.4), deep-linkable by `?sourceKind=&sourceId=&path=`. */
export default function LogsPage() {
  const { t } = useTranslation('logs');
  const format = useFormat();
  const { isAdmin } = useTempoApi();
  const [params, setParams] = useSearchParams();
  const sourceKind = (params.get('sourceKind') === 'worker' ? 'worker' : 'server') as LogSourceKind;
  const sourceId = params.get('sourceId') ?? 'server';
  const [autoRefresh, setAutoRefresh] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!autoRefresh) return;
    const timer = setInterval(() => setTick((value) => value + 1), AUTO_REFRESH_MS);
    return () => clearInterval(timer);
  }, [autoRefresh]);

  const sources = useApiQuery(
    (client) => (isAdmin ? logSources(client) : Promise.resolve([])),
    [isAdmin, tick],
  );
  const files = useApiQuery(
    (client) => (isAdmin ? logFiles(client, { sourceKind, sourceId }) : Promise.resolve([])),
    [isAdmin, sourceKind, sourceId, tick],
  );

  if (!isAdmin) {
    return (
      <>
        <PageHeader title={t('title')} subtitle={t('subtitle')} />
        <p className="notice">{t('common:adminOnly')}</p>
      </>
    );
  }

  const fileList = files.data ?? [];
  const selected =
    fileList.find((file) => file.path === params.get('path')) ??
    fileList.find((file) => file.isCurrent) ??
    fileList[0];
  const source = sources.data?.find(
    (candidate) => candidate.sourceKind === sourceKind && candidate.sourceId === sourceId,
  );
  const choose = (next: Record<string, string>) => setParams({ sourceKind, sourceId, ...next });

  const columns: Column<LogFileRecord>[] = [
    {
      id: 'name',
      header: t('files.name'),
      cell: (file) => (
        <span>
          <strong>{file.fileName}</strong>{' '}
          {file.isCurrent ? <Badge text={t('files.current')} tone="info" /> : null}
          <br />
          <code className="muted">{file.path}</code>
        </span>
      ),
    },
    { id: 'size', header: t('files.size'), cell: (file) => format.bytes(file.byteLength) },
    { id: 'modified', header: t('files.modified'), cell: (file) => format.dateTime(file.lastModifiedUtc) },
  ];

  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <div className="row">
        <SelectField
          label={t('source')}
          value={sourceKey(sourceKind, sourceId)}
          onChange={(value) => {
            const [kind = 'server', ...rest] = value.split(':');
            setParams({ sourceKind: kind, sourceId: rest.join(':') });
          }}
          options={(sources.data ?? [{ sourceKind, sourceId, displayName: sourceId }]).map((candidate) => ({
            value: sourceKey(candidate.sourceKind, candidate.sourceId),
            label: t('sourceOption', {
              name: candidate.displayName,
              kind: t(`kinds.${candidate.sourceKind}`),
            }),
          }))}
        />
        <Toggle
          label={t('autoRefresh')}
          hint={t('autoRefreshHint')}
          checked={autoRefresh}
          onChange={setAutoRefresh}
        />
      </div>
      <Tiles
        tiles={[
          { id: 'source', label: t('tiles.source'), value: source?.displayName ?? sourceId },
          { id: 'sourceId', label: t('tiles.sourceId'), value: sourceId },
          {
            id: 'state',
            label: t('tiles.state'),
            value:
              sourceKind === 'server'
                ? t('states.Online')
                : t(`states.${source?.state === 'Online' ? 'Online' : 'Offline'}`),
            tone: sourceKind === 'server' || source?.state === 'Online' ? 'good' : undefined,
          },
          { id: 'files', label: t('tiles.files'), value: format.number(fileList.length) },
        ]}
      />
      <DataTable
        caption={t('files.caption')}
        columns={columns}
        rows={files.data}
        rowKey={(file) => file.path}
        loading={files.loading}
        error={files.error ?? sources.error}
        onRefresh={() => {
          sources.reload();
          files.reload();
        }}
        onRowClick={(file) => choose({ path: file.path })}
        emptyText={t('files.empty')}
      />
      {selected ? (
        <LogViewer
          key={sourceKey(sourceKind, sourceId) + selected.path}
          file={selected}
          refreshTick={tick}
          onDeleted={() => files.reload()}
        />
      ) : null}
    </>
  );
}
