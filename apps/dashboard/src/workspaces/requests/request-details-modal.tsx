import type { RequestHistoryRecord } from '@tempo/contracts';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import { CopyableId, ErrorNotice, Modal, Tiles } from '../../ui/index.ts';
import { readRequest } from './request-history-api.ts';

const headerText = (headers: Readonly<Record<string, string>>) =>
  Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');

function BodyBlock({
  label,
  body,
  bytes,
  truncated,
}: {
  readonly label: string;
  readonly body: string | null;
  readonly bytes: number;
  readonly truncated: boolean;
}) {
  const { t } = useTranslation('requests');
  const format = useFormat();
  return (
    <section aria-label={label}>
      <h3>{label}</h3>
      <p className="ui-field-hint">
        {format.bytes(bytes)}
        {truncated ? ` · ${t('details.truncated')}` : ''}
      </p>
      <textarea className="ui-json ui-json-area" readOnly rows={8} aria-label={label} value={body ?? ''} />
    </section>
  );
}

/** One recorded request: status, timing, both sets of headers and both bodies (with truncation flags). */
export function RequestDetailsModal({ id, onClose }: { readonly id: string; readonly onClose: () => void }) {
  const { t } = useTranslation('requests');
  const format = useFormat();
  const entry = useApiQuery((api) => readRequest(api, id), [id]);
  const record: RequestHistoryRecord | undefined = entry.data;
  return (
    <Modal open size="wide" title={t('details.title')} onClose={onClose}>
      <ErrorNotice error={entry.error} />
      {record ? (
        <>
          <CopyableId id={record.id} />
          <Tiles
            tiles={[
              { id: 'method', label: t('fields.method'), value: record.method },
              {
                id: 'status',
                label: t('fields.status'),
                value: String(record.statusCode),
                tone: record.statusCode >= 400 ? 'bad' : 'good',
              },
              { id: 'duration', label: t('fields.duration'), value: format.duration(record.durationMs) },
              { id: 'when', label: t('fields.when'), value: format.dateTime(record.createdUtc) },
            ]}
          />
          <p>
            <code>{record.url}</code>
          </p>
          <div className="ui-form-row">
            <section aria-label={t('details.requestHeaders')}>
              <h3>{t('details.requestHeaders')}</h3>
              <textarea
                className="ui-json ui-json-area"
                readOnly
                rows={8}
                aria-label={t('details.requestHeaders')}
                value={headerText(record.requestHeaders)}
              />
            </section>
            <section aria-label={t('details.responseHeaders')}>
              <h3>{t('details.responseHeaders')}</h3>
              <textarea
                className="ui-json ui-json-area"
                readOnly
                rows={8}
                aria-label={t('details.responseHeaders')}
                value={headerText(record.responseHeaders)}
              />
            </section>
          </div>
          <div className="ui-form-row">
            <BodyBlock
              label={t('details.requestBody')}
              body={record.requestBody}
              bytes={record.requestBodyBytes}
              truncated={record.requestBodyTruncated}
            />
            <BodyBlock
              label={t('details.responseBody')}
              body={record.responseBody}
              bytes={record.responseBodyBytes}
              truncated={record.responseBodyTruncated}
            />
          </div>
        </>
      ) : null}
    </Modal>
  );
}
