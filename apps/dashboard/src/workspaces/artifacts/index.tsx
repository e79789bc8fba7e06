import type { ArtifactRecord } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useFormat } from '../../i18n/format.ts';
import {
  CopyableId,
  CreateButton,
  DeleteAndJsonDialogs,
  FormModal,
  ListTable,
  Modal,
  PageHeader,
  TextField,
  Toggle,
  useCrudList,
} from '../../ui/index.ts';
import { ArtifactFiles } from './artifact-files.tsx';
import { ArtifactLimitTiles } from './artifact-limit-tiles.tsx';
import { ArtifactVersions } from './artifact-versions.tsx';
import './artifacts.css';

function ArtifactModal({
  artifact,
  onClose,
  onSaved,
}: {
  readonly artifact: ArtifactRecord | null;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) {
  const { t } = useTranslation('artifacts');
  const tu = useTranslation('ui').t;
  const { client, tenantId } = useTempoApi();
  const [name, setName] = useState(artifact?.name ?? '');
  const [description, setDescription] = useState(artifact?.description ?? '');
  const [active, setActive] = useState(artifact?.active ?? true);
  const submit = async () => {
    const artifacts = client.tenant(tenantId).artifacts;
    const text = description === '' ? null : description;
    if (artifact) await artifacts.update(artifact.id, { name, description: text, active });
    else await artifacts.create({ name, description: text });
    onSaved();
  };
  return (
    <FormModal
      open
      title={artifact ? t('editTitle') : t('createTitle')}
      onClose={onClose}
      onSubmit={submit}
      invalid={name.trim() === ''}
    >
      <TextField label={tu('fields.name')} value={name} onChange={setName} required />
      <TextField label={tu('fields.description')} value={description} onChange={setDescription} />
      {artifact ? <Toggle label={tu('fields.active')} checked={active} onChange={setActive} /> : null}
    </FormModal>
  );
}

/** Artifacts: packages of handler code, their uploaded versions, and the in-place file editor. */
export default function ArtifactsPage() {
  const { t } = useTranslation('artifacts');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId, isAdmin } = useTempoApi();
  const tenant = client.tenant(tenantId);
  const [viewing, setViewing] = useState<ArtifactRecord | null>(null);
  const [versionsKey, setVersionsKey] = useState(0);
  const {
    paging,
    search,
    dialogs,
    list: artifacts,
    rowActions,
  } = useCrudList<ArtifactRecord>((_client, page) => tenant.artifacts.list(page), [tenantId], {
    onView: setViewing,
  });
  return (
    <div className="workspace">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={<CreateButton label={t('create')} hint={t('createTitle')} onClick={dialogs.openCreate} />}
      />
      {isAdmin ? <ArtifactLimitTiles /> : null}
      <ListTable
        caption={t('title')}
        list={artifacts}
        search={search}
        rowKey={(artifact) => artifact.id}
        paging={paging}
        onRowClick={setViewing}
        rowActions={rowActions}
        columns={[
          { id: 'name', header: tu('fields.name'), cell: (artifact) => artifact.name },
          { id: 'id', header: tu('fields.id'), cell: (artifact) => <CopyableId id={artifact.id} /> },
          {
            id: 'description',
            header: tu('fields.description'),
            cell: (artifact) => artifact.description ?? '',
          },
          {
            id: 'protected',
            header: tu('fields.protected'),
            cell: (artifact) => format.boolean(artifact.isProtected),
          },
          { id: 'active', header: tu('fields.active'), cell: (artifact) => format.boolean(artifact.active) },
          {
            id: 'updated',
            header: tu('fields.updated'),
            cell: (artifact) => format.dateTime(artifact.lastUpdateUtc),
          },
        ]}
      />
      {viewing ? (
        <Modal
          open
          size="drawer"
          title={t('drawerTitle', { name: viewing.name })}
          onClose={() => setViewing(null)}
        >
          <CopyableId id={viewing.id} />
          <ArtifactVersions artifactId={viewing.id} refreshKey={versionsKey} />
          <ArtifactFiles artifactId={viewing.id} onSaved={() => setVersionsKey((key) => key + 1)} />
        </Modal>
      ) : null}
      {dialogs.editing !== undefined ? (
        <ArtifactModal
          artifact={dialogs.editing}
          onClose={dialogs.closeEdit}
          onSaved={() => {
            dialogs.closeEdit();
            artifacts.reload();
          }}
        />
      ) : null}
      <DeleteAndJsonDialogs
        dialogs={dialogs}
        deleteTitle={t('deleteTitle')}
        deleteMessage={(record) => t('deleteBody', { name: record.name })}
        recordId={(record) => record.id}
        onDelete={async (record) => {
          await tenant.artifacts.delete(record.id);
          artifacts.reload();
        }}
      />
    </div>
  );
}
