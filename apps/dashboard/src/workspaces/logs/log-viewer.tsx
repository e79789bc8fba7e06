import type { LogFileRecord } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteLogFile, downloadLogFile, logContent } from '../../api/logs-api.ts';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { reportIfUnauthorized } from '../../api/unauthorized.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import { ConfirmModal, CopyButton, ErrorNotice, TextField } from '../../ui/index.ts';

const DEFAULT_TAIL_LINES = 200;
const DEFAULT_MAX_BYTES = 131072;

const positive = (text: string, fallback: number) => {
  const value = Number.parseInt(text, 10);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** The tail of one log file, with re-read, download, clear or delete, and copy. */
export const LogViewer = ({
  file,
  refreshTick,
  onDeleted,
}: {
  readonly file: LogFileRecord;
  readonly refreshTick: number;
  readonly onDeleted: () => void;
}) => {
  const { t } = useTranslation('logs');
  const format = useFormat();
  const { client } = useTempoApi();
  const [tailText, setTailText] = useState(String(DEFAULT_TAIL_LINES));
  const [maxBytesText, setMaxBytesText] = useState(String(DEFAULT_MAX_BYTES));
  const [filter, setFilter] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const query = { sourceKind: file.sourceKind, sourceId: file.sourceId, path: file.path };
  const tailLines = positive(tailText, DEFAULT_TAIL_LINES);
  const maxBytes = positive(maxBytesText, DEFAULT_MAX_BYTES);
  const content = useApiQuery(
    (c) =>
      logContent(c, { ...query, tailLines, maxBytes, ...(filter.trim() ? { filter: filter.trim() } : {}) }),
    [file.sourceKind, file.sourceId, file.path, tailLines, maxBytes, filter, refreshTick],
  );

  const download = async () => {
    setError(null);
    try {
      const text = await downloadLogFile(client, query);
      const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.fileName;
      link.click();
      URL.revokeObjectURL(url);
    } catch (caught) {
      reportIfUnauthorized(caught);
      setError(caught);
    }
  };

  const truncating = file.deleteMode === 'Truncate';
  return (
    <section className="card log-viewer">
      <h2>{t('viewer.title', { name: file.fileName })}</h2>
      <div className="row">
        <TextField label={t('viewer.tailLines')} type="number" value={tailText} onChange={setTailText} />
        <TextField
          label={t('viewer.maxBytes')}
          type="number"
          value={maxBytesText}
          onChange={setMaxBytesText}
        />
        <TextField
          label={t('viewer.filter')}
          hint={t('viewer.filterHint')}
          value={filter}
          onChange={setFilter}
        />
      </div>
      <div className="row">
        <button type="button" className="button" title={t('viewer.rereadHint')} onClick={content.reload}>
          {t('viewer.reread')}
        </button>
        <button
          type="button"
          className="button"
          disabled={!file.downloadAllowed}
          title={t('viewer.downloadHint')}
          onClick={() => void download()}
        >
          {t('viewer.download')}
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={!file.deleteAllowed}
          title={truncating ? t('viewer.clearHint') : t('viewer.deleteHint')}
          onClick={() => setConfirming(true)}
        >
          {truncating ? t('viewer.clear') : t('viewer.delete')}
        </button>
        {content.data ? <CopyButton value={content.data.content} label={t('viewer.copyWhat')} /> : null}
      </div>
      <ErrorNotice error={content.error ?? error} />
      {content.data?.truncated ? (
        <p className="notice notice-warn">
          {t('viewer.truncated', {
            lines: format.number(content.data.tailLines),
            bytes: format.bytes(content.data.maxBytes),
          })}
        </p>
      ) : null}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus so keyboard users can scroll it. */}
      <section className="log-output" aria-label={t('viewer.outputLabel')} tabIndex={0}>
        <pre className="output">
          {content.data ? content.data.content || t('viewer.emptyFile') : t('viewer.loading')}
        </pre>
      </section>
      <ConfirmModal
        open={confirming}
        title={truncating ? t('confirm.clearTitle') : t('confirm.deleteTitle')}
        message={truncating ? t('confirm.clear') : t('confirm.delete')}
        recordId={file.path}
        confirmLabel={truncating ? t('viewer.clear') : t('viewer.delete')}
        onConfirm={async () => {
          await deleteLogFile(client, query);
          content.reload();
          onDeleted();
        }}
        onClose={() => setConfirming(false)}
      />
    </section>
  );
};
