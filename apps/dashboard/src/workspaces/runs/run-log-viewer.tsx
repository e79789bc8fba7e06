import type { RunLogFileEntry } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import { ConfirmModal, DataTable, ErrorNotice, TextField } from '../../ui/index.ts';
import {
  deleteRunLog,
  deleteRunLogs,
  downloadRunLog,
  listRunLogs,
  readRunLog,
  saveTextFile,
} from './run-logs-api.ts';

const DEFAULT_TAIL_LINES = 200;
const DEFAULT_MAX_BYTES = 131_072;

/** A run's log files, the bounded tail of the selected one, and its download. */
export function RunLogViewer({ runId, refreshKey }: { readonly runId: string; readonly refreshKey: number }) {
  const { t } = useTranslation('runs');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId } = useTempoApi();
  const [selected, setSelected] = useState<RunLogFileEntry | null>(null);
  const [tailLines, setTailLines] = useState(String(DEFAULT_TAIL_LINES));
  const [maxBytes, setMaxBytes] = useState(String(DEFAULT_MAX_BYTES));
  const [downloadError, setDownloadError] = useState<unknown>(null);
  // A file to delete, or `all` for every file of the run.
  const [deleting, setDeleting] = useState<RunLogFileEntry | 'all' | null>(null);
  const files = useApiQuery((api) => listRunLogs(api, tenantId, runId), [tenantId, runId, refreshKey]);
  const content = useApiQuery(
    (api) =>
      selected
        ? readRunLog(api, tenantId, runId, {
            path: selected.path,
            tailLines: Number(tailLines) || DEFAULT_TAIL_LINES,
            maxBytes: Number(maxBytes) || DEFAULT_MAX_BYTES,
          })
        : Promise.resolve(null),
    [tenantId, runId, selected?.path, tailLines, maxBytes, refreshKey],
  );
  const download = async (file: RunLogFileEntry) => {
    setDownloadError(null);
    try {
      saveTextFile(file.fileName, await downloadRunLog(client, tenantId, runId, file.path));
    } catch (error) {
      setDownloadError(error);
    }
  };
  const deletable = files.data?.filter((file) => file.deleteAllowed) ?? [];
  // The whole-run delete is refused while the run is active, which is when some file is.
  const canDeleteAll = deletable.length > 0 && !files.data?.some((file) => file.active);
  const confirmDelete = async () => {
    if (deleting === 'all') {
      await deleteRunLogs(client, tenantId, runId);
      setSelected(null);
    } else if (deleting) {
      await deleteRunLog(client, tenantId, runId, deleting.path);
      if (selected?.path === deleting.path) setSelected(null);
    }
    files.reload();
  };
  return (
    <section aria-label={t('logs.title')}>
      <h3>{t('logs.title')}</h3>
      {canDeleteAll ? (
        <div className="ui-page-actions">
          <button
            type="button"
            className="ui-button ui-button-danger"
            title={t('logs.deleteAllHint')}
            onClick={() => setDeleting('all')}
          >
            {t('logs.deleteAll')}
          </button>
        </div>
      ) : null}
      <DataTable
        caption={t('logs.title')}
        rows={files.data}
        rowKey={(file) => file.path}
        loading={files.loading}
        error={files.error}
        onRefresh={files.reload}
        emptyText={t('logs.empty')}
        onRowClick={setSelected}
        rowActions={(file) => [
          { id: 'open', label: t('logs.open'), onSelect: () => setSelected(file) },
          ...(file.downloadAllowed
            ? [{ id: 'download', label: t('logs.download'), onSelect: () => void download(file) }]
            : []),
          ...(file.deleteAllowed
            ? [{ id: 'delete', label: tu('actions.delete'), onSelect: () => setDeleting(file), danger: true }]
            : []),
        ]}
        columns={[
          { id: 'name', header: t('logs.file'), cell: (file) => <code>{file.fileName}</code> },
          { id: 'kind', header: t('logs.kind'), cell: (file) => file.kind },
          {
            id: 'attempt',
            header: t('logs.attempt'),
            cell: (file) => (file.attemptNumber === undefined ? '' : format.number(file.attemptNumber)),
          },
          { id: 'step', header: t('logs.step'), cell: (file) => file.stepId ?? '' },
          { id: 'size', header: t('logs.size'), cell: (file) => format.bytes(file.byteLength) },
          {
            id: 'modified',
            header: t('logs.modified'),
            cell: (file) => format.dateTime(file.lastModifiedUtc),
          },
        ]}
      />
      <ErrorNotice error={downloadError} />
      <ConfirmModal
        open={deleting !== null}
        title={deleting === 'all' ? t('logs.deleteAllTitle') : t('logs.deleteTitle')}
        message={
          deleting === 'all'
            ? t('logs.deleteAllBody', { n: deletable.length })
            : t('logs.deleteBody', { file: deleting?.fileName ?? '' })
        }
        recordId={deleting === 'all' ? runId : deleting?.path}
        onClose={() => setDeleting(null)}
        onConfirm={confirmDelete}
      />
      {selected ? (
        <div className="runs-log-view">
          <div className="ui-form-row">
            <TextField label={t('logs.tailLines')} type="number" value={tailLines} onChange={setTailLines} />
            <TextField label={t('logs.maxBytes')} type="number" value={maxBytes} onChange={setMaxBytes} />
          </div>
          <ErrorNotice error={content.error} />
          {content.data?.truncated ? (
            <p className="ui-callout">
              {t('logs.truncated', {
                shown: format.bytes(content.data.returnedByteLength),
                total: format.bytes(content.data.byteLength),
              })}
            </p>
          ) : null}
          <textarea
            className="ui-json ui-json-area runs-log-text"
            readOnly
            rows={18}
            spellCheck={false}
            aria-label={t('logs.content', { file: selected.fileName })}
            data-testid="run-log-content"
            value={content.data?.content ?? ''}
          />
        </div>
      ) : (
        <p className="ui-field-hint">{t('logs.pick')}</p>
      )}
    </section>
  );
}
