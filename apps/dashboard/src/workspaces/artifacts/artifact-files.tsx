import type { ArtifactFileChangeResponse, ArtifactFileInfo } from '@tempo/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import {
  CodeEditor,
  ConfirmModal,
  DataTable,
  ErrorNotice,
  languageOfPath,
  TextField,
} from '../../ui/index.ts';

/** The artifact's mutable file tree: pick a file, edit it, save it as a new `current` snapshot. */
export function ArtifactFiles({
  artifactId,
  onSaved,
}: {
  readonly artifactId: string;
  readonly onSaved: () => void;
}) {
  const { t } = useTranslation('artifacts');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId } = useTempoApi();
  const artifacts = client.tenant(tenantId).artifacts;
  const files = useApiQuery(() => artifacts.files(artifactId), [tenantId, artifactId]);
  const [path, setPath] = useState<string | null>(null);
  const [newPath, setNewPath] = useState('');
  const [text, setText] = useState('');
  const [saved, setSaved] = useState<ArtifactFileChangeResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<ArtifactFileInfo | null>(null);
  // Whether `saved` answers a save or a delete: the plain confirmation differs.
  const [deletedPath, setDeletedPath] = useState<string | null>(null);
  const content = useApiQuery(
    () =>
      path && files.data?.some((file) => file.path === path)
        ? artifacts.readFile(artifactId, path)
        : Promise.resolve(null),
    [tenantId, artifactId, path],
  );
  useEffect(() => {
    if (content.data) setText(content.data.isBinary ? '' : content.data.content);
  }, [content.data]);
  const open = (file: ArtifactFileInfo) => {
    setSaved(null);
    setError(null);
    setPath(file.path);
  };
  const save = async () => {
    if (!path) return;
    setBusy(true);
    setError(null);
    try {
      setSaved(await artifacts.saveFile(artifactId, path, { content: text }));
      setDeletedPath(null);
      files.reload();
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (file: ArtifactFileInfo) => {
    const answer = await artifacts.deleteFile(artifactId, file.path);
    if (path === file.path) setPath(null);
    setSaved(answer);
    setDeletedPath(file.path);
    files.reload();
    onSaved();
  };
  const binary = content.data?.isBinary ?? false;
  return (
    <section aria-label={t('files.title')}>
      <h3>{t('files.title')}</h3>
      <p className="ui-field-hint">{t('files.hint')}</p>
      <DataTable
        caption={t('files.title')}
        rows={files.data}
        rowKey={(file) => file.path}
        loading={files.loading}
        error={files.error}
        onRefresh={files.reload}
        onRowClick={open}
        rowActions={(file) => [
          { id: 'open', label: t('files.open'), onSelect: () => open(file) },
          { id: 'delete', label: tu('actions.delete'), onSelect: () => setDeleting(file), danger: true },
        ]}
        columns={[
          { id: 'path', header: t('files.path'), cell: (file) => <code>{file.path}</code> },
          { id: 'size', header: t('files.size'), cell: (file) => format.bytes(file.byteLength) },
          { id: 'binary', header: t('files.binary'), cell: (file) => format.boolean(file.isBinary) },
          {
            id: 'updated',
            header: tu('fields.updated'),
            cell: (file) => format.dateTime(file.lastUpdateUtc),
          },
        ]}
      />
      <form
        className="ui-link-add"
        onSubmit={(event) => {
          event.preventDefault();
          if (newPath.trim() === '') return;
          setPath(newPath.trim());
          setText('');
          setSaved(null);
          setNewPath('');
        }}
      >
        <TextField
          label={t('files.newPath')}
          hint={t('files.newPathHint')}
          value={newPath}
          onChange={setNewPath}
          mono
        />
        <button
          type="submit"
          className="ui-button"
          title={t('files.newFile')}
          disabled={newPath.trim() === ''}
        >
          {t('files.newFile')}
        </button>
      </form>
      <ConfirmModal
        open={deleting !== null}
        title={t('files.deleteTitle')}
        message={t('files.deleteBody')}
        recordId={deleting?.path}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (deleting) await remove(deleting);
        }}
      />
      {saved ? (
        <p className={saved.snapshotError ? 'ui-error' : 'ui-callout'} role="status">
          {saved.snapshotError
            ? t('files.snapshotFailed', { error: saved.snapshotError })
            : saved.snapshotUpdated
              ? t('files.snapshotUpdated', { sha: saved.artifactVersion?.sha256.slice(0, 12) ?? '' })
              : deletedPath
                ? t('files.deletedOnly', { path: deletedPath })
                : t('files.savedOnly')}
        </p>
      ) : null}
      {path ? (
        <div className="artifacts-editor">
          <h4>
            <code>{path}</code>
          </h4>
          <ErrorNotice error={content.error ?? error} />
          {binary ? (
            <p className="ui-callout">{t('files.binaryNote')}</p>
          ) : (
            <CodeEditor
              label={t('files.editorLabel', { path })}
              language={languageOfPath(path)}
              value={text}
              onChange={setText}
            />
          )}
          <button
            type="button"
            className="ui-button ui-button-primary"
            title={t('files.saveHint')}
            disabled={busy || binary}
            onClick={() => void save()}
          >
            {busy ? tu('actions.saving') : t('files.save')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
