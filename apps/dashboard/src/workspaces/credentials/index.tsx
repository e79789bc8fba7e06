import type { CredentialRecord } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import {
  CopyableId,
  CreateButton,
  DeleteAndJsonDialogs,
  FormModal,
  ListTable,
  PageHeader,
  SelectField,
  TextField,
  Toggle,
  useCrudList,
} from '../../ui/index.ts';

function CredentialModal({
  credential,
  onClose,
  onSaved,
}: {
  readonly credential: CredentialRecord | null;
  readonly onClose: () => void;
  readonly onSaved: (created: CredentialRecord | null) => void;
}) {
  const { t } = useTranslation('credentials');
  const tu = useTranslation('ui').t;
  const { client, tenantId } = useTempoApi();
  const tenant = client.tenant(tenantId);
  const users = useApiQuery(() => tenant.users.list({ pageSize: 1000 }), [tenantId]);
  const [name, setName] = useState(credential?.name ?? '');
  const [userId, setUserId] = useState(credential?.userId ?? '');
  const [active, setActive] = useState(credential?.active ?? true);
  const submit = async () => {
    if (credential) {
      await tenant.credentials.update(credential.id, { name, active });
      onSaved(null);
    } else {
      onSaved(await tenant.credentials.create({ name, userId, active }));
    }
  };
  return (
    <FormModal
      open
      title={credential ? t('editTitle') : t('createTitle')}
      onClose={onClose}
      onSubmit={submit}
      invalid={name.trim() === '' || userId === ''}
    >
      <TextField label={tu('fields.name')} value={name} onChange={setName} required />
      <SelectField
        label={t('user')}
        hint={t('userHint')}
        value={userId}
        onChange={setUserId}
        disabled={credential !== null}
        options={[
          { value: '', label: t('chooseUser') },
          ...(users.data?.items ?? []).map((user) => ({ value: user.id, label: user.email })),
        ]}
      />
      <Toggle label={tu('fields.active')} checked={active} onChange={setActive} />
    </FormModal>
  );
}

/** Credentials: access/secret key pairs that let a user's programs call the API. */
export default function CredentialsPage() {
  const { t } = useTranslation('credentials');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId } = useTempoApi();
  const tenant = client.tenant(tenantId);
  const [created, setCreated] = useState<CredentialRecord | null>(null);
  const {
    paging,
    search,
    dialogs,
    list: credentials,
    rowActions,
  } = useCrudList<CredentialRecord>((_client, page) => tenant.credentials.list(page), [tenantId]);
  return (
    <div className="workspace">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={<CreateButton label={t('create')} hint={t('createTitle')} onClick={dialogs.openCreate} />}
      />
      {created ? (
        <div className="ui-callout" role="status">
          <p>{t('createdOnce')}</p>
          <p>
            <span>{t('accessKey')}</span> <CopyableId id={created.accessKey} />
          </p>
          <p>
            <span>{t('secretKey')}</span> <CopyableId id={created.secretKey} />
          </p>
        </div>
      ) : null}
      <ListTable
        caption={t('title')}
        list={credentials}
        search={search}
        rowKey={(credential) => credential.id}
        paging={paging}
        rowActions={rowActions}
        columns={[
          { id: 'name', header: tu('fields.name'), cell: (credential) => credential.name },
          { id: 'id', header: tu('fields.id'), cell: (credential) => <CopyableId id={credential.id} /> },
          { id: 'user', header: t('user'), cell: (credential) => <code>{credential.userId}</code> },
          { id: 'access', header: t('accessKey'), cell: (credential) => <code>{credential.accessKey}</code> },
          {
            id: 'active',
            header: tu('fields.active'),
            cell: (credential) => format.boolean(credential.active),
          },
          {
            id: 'created',
            header: tu('fields.created'),
            cell: (credential) => format.dateTime(credential.createdUtc),
          },
        ]}
      />
      {dialogs.editing !== undefined ? (
        <CredentialModal
          credential={dialogs.editing}
          onClose={dialogs.closeEdit}
          onSaved={(record) => {
            setCreated(record);
            dialogs.closeEdit();
            credentials.reload();
          }}
        />
      ) : null}
      <DeleteAndJsonDialogs
        dialogs={dialogs}
        deleteTitle={t('deleteTitle')}
        deleteMessage={(record) => t('deleteBody', { name: record.name })}
        recordId={(record) => record.id}
        onDelete={async (record) => {
          await tenant.credentials.delete(record.id);
          credentials.reload();
        }}
      />
    </div>
  );
}
