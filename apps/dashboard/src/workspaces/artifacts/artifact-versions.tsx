import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import {
  Badge,
  ConfirmModal,
  CopyableId,
  DataTable,
  ErrorNotice,
  TextField,
  Toggle,
} from '../../ui/index.ts';

/** The version a file upload imports into the editable tree. */
const CURRENT = 'current';

/** Hands bytes to the browser as a file download. */
const saveBytes = (fileName: string, bytes: Uint8Array) => {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/zip' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
};

/** An artifact's uploaded versions with SHA-256 and markers, zip upload and "Import ZIP", download and delete. */
export function ArtifactVersions({
  artifactId,
  refreshKey,
}: {
  readonly artifactId: string;
  readonly refreshKey: number;
}) {
  const { t } = useTranslation('artifacts');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId } = useTempoApi();
  const artifacts = client.tenant(tenantId).artifacts;
  const versions = useApiQuery(
    () => artifacts.versions(artifactId, { pageSize: 100, includeInactive: true }),
    [tenantId, artifactId, refreshKey],
  );
  const [file, setFile] = useState<File | null>(null);
  const [version, setVersion] = useState('');
  const [importToCurrent, setImportToCurrent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const target = importToCurrent ? CURRENT : version.trim();
      await artifacts.uploadVersion(artifactId, bytes, {
        ...(target ? { version: target } : {}),
        originalFileName: file.name,
      });
      setFile(null);
      setVersion('');
      versions.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const download = async (name: string) => {
    setError(null);
    try {
      saveBytes(`${artifactId}-${name}.zip`, await artifacts.download(artifactId, name));
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section aria-label={t('versions.title')}>
      <h3>{t('versions.title')}</h3>
      <DataTable
        caption={t('versions.title')}
        rows={versions.data?.items}
        rowKey={(row) => row.id}
        loading={versions.loading}
        error={versions.error}
        onRefresh={versions.reload}
        rowActions={(row) => [
          { id: 'download', label: tu('actions.download'), onSelect: () => void download(row.version) },
          {
            id: 'delete',
            label: tu('actions.delete'),
            onSelect: () => setDeleting(row.version),
            danger: true,
          },
        ]}
        columns={[
          {
            id: 'version',
            header: t('versions.version'),
            cell: (row) => (
              <span className="artifacts-version">
                <code>{row.version}</code>
                {row.version === CURRENT ? (
                  <Badge text={t('versions.current')} tone="info" hint={t('versions.currentHint')} />
                ) : null}
                {row.active ? (
                  <Badge text={tu('states.active')} tone="good" />
                ) : (
                  <Badge text={tu('states.inactive')} />
                )}
              </span>
            ),
          },
          { id: 'sha', header: t('versions.sha256'), cell: (row) => <CopyableId id={row.sha256} /> },
          { id: 'size', header: t('versions.size'), cell: (row) => format.bytes(row.byteLength) },
          { id: 'file', header: t('versions.originalFile'), cell: (row) => row.originalFileName ?? '' },
          { id: 'created', header: tu('fields.created'), cell: (row) => format.dateTime(row.createdUtc) },
        ]}
      />
      <form
        className="ui-card"
        onSubmit={(event) => {
          event.preventDefault();
          void upload();
        }}
      >
        <h4>{t('versions.upload')}</h4>
        <div className="ui-field">
          <label htmlFor={`zip-${artifactId}`} title={t('versions.zipHint')}>
            {t('versions.zip')}
          </label>
          <input
            id={`zip-${artifactId}`}
            type="file"
            accept=".zip,application/zip"
            title={t('versions.zipHint')}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        </div>
        <Toggle
          label={t('versions.importZip')}
          hint={t('versions.importZipHint')}
          checked={importToCurrent}
          onChange={setImportToCurrent}
        />
        {importToCurrent ? null : (
          <TextField
            label={t('versions.version')}
            hint={t('versions.versionHint')}
            value={version}
            onChange={setVersion}
            mono
          />
        )}
        <ErrorNotice error={error} />
        <button
          type="submit"
          className="ui-button ui-button-primary"
          title={t('versions.upload')}
          disabled={!file || busy}
        >
          {t('versions.uploadButton')}
        </button>
      </form>
      <ConfirmModal
        open={deleting !== null}
        title={t('versions.deleteTitle')}
        message={t('versions.deleteBody', { version: deleting ?? '' })}
        recordId={artifactId}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (deleting) await artifacts.deleteVersion(artifactId, deleting);
          versions.reload();
        }}
      />
    </section>
  );
}
