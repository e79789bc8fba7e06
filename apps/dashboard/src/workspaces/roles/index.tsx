import type { RoleRecord } from '@tempo/contracts';
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
  LinkListCard,
  ListTable,
  PageHeader,
  TextField,
  Toggle,
  useCrudList,
} from '../../ui/index.ts';

function RoleModal({
  role,
  onClose,
  onSaved,
}: {
  readonly role: RoleRecord | null;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) {
  const { t } = useTranslation('roles');
  const tu = useTranslation('ui').t;
  const { client, tenantId } = useTempoApi();
  const tenant = client.tenant(tenantId);
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [active, setActive] = useState(role?.active ?? true);
  const links = useApiQuery(
    () => (role ? tenant.roles.permissions(role.id) : Promise.resolve([])),
    [tenantId, role?.id],
  );
  const permissions = useApiQuery(() => tenant.permissions.list({ pageSize: 1000 }), [tenantId]);
  const nameOf = (id: string) =>
    permissions.data?.items.find((permission) => permission.id === id)?.name ?? id;
  const submit = async () => {
    const body = { name, description: description === '' ? null : description, active };
    if (role) await tenant.roles.update(role.id, body);
    else await tenant.roles.create(body);
    onSaved();
  };
  return (
    <FormModal
      open
      title={role ? t('editTitle') : t('createTitle')}
      onClose={onClose}
      onSubmit={submit}
      invalid={name.trim() === ''}
    >
      {role?.isProtected ? <p className="ui-callout">{t('protected')}</p> : null}
      <TextField label={tu('fields.name')} value={name} onChange={setName} required />
      <TextField label={tu('fields.description')} value={description} onChange={setDescription} />
      <Toggle label={tu('fields.active')} checked={active} onChange={setActive} />
      {role ? (
        <LinkListCard
          title={t('permissions')}
          hint={t('permissionsHint')}
          links={links.data?.map((link) => ({
            linkId: link.id,
            targetId: link.permissionId,
            label: nameOf(link.permissionId),
          }))}
          options={(permissions.data?.items ?? []).map((permission) => ({
            value: permission.id,
            label: permission.name,
          }))}
          onAdd={async (permissionId) => {
            await tenant.rolePermissionMaps.create({ roleId: role.id, permissionId });
            links.reload();
          }}
          onRemove={async (linkId) => {
            await tenant.rolePermissionMaps.delete(linkId);
            links.reload();
          }}
        />
      ) : (
        <p className="ui-field-hint">{t('saveFirst')}</p>
      )}
    </FormModal>
  );
}

/** Roles: CRUD, the permissions each grants, and why the built-in ones cannot change. */
export default function RolesPage() {
  const { t } = useTranslation('roles');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId } = useTempoApi();
  const tenant = client.tenant(tenantId);
  const {
    paging,
    search,
    dialogs,
    list: roles,
    rowActions,
  } = useCrudList<RoleRecord>((_client, page) => tenant.roles.list(page), [tenantId]);
  return (
    <div className="workspace">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={<CreateButton label={t('create')} hint={t('createTitle')} onClick={dialogs.openCreate} />}
      />
      <p className="ui-callout">{t('protected')}</p>
      <ListTable
        caption={t('title')}
        list={roles}
        search={search}
        rowKey={(role) => role.id}
        paging={paging}
        rowActions={rowActions}
        columns={[
          { id: 'name', header: tu('fields.name'), cell: (role) => role.name },
          { id: 'id', header: tu('fields.id'), cell: (role) => <CopyableId id={role.id} /> },
          { id: 'description', header: tu('fields.description'), cell: (role) => role.description ?? '' },
          {
            id: 'protected',
            header: tu('fields.protected'),
            cell: (role) => format.boolean(role.isProtected),
          },
          { id: 'active', header: tu('fields.active'), cell: (role) => format.boolean(role.active) },
        ]}
      />
      {dialogs.editing !== undefined ? (
        <RoleModal
          role={dialogs.editing}
          onClose={dialogs.closeEdit}
          onSaved={() => {
            dialogs.closeEdit();
            roles.reload();
          }}
        />
      ) : null}
      <DeleteAndJsonDialogs
        dialogs={dialogs}
        deleteTitle={t('deleteTitle')}
        deleteMessage={(record) => t('deleteBody', { name: record.name })}
        recordId={(record) => record.id}
        onDelete={async (record) => {
          await tenant.roles.delete(record.id);
          roles.reload();
        }}
      />
    </div>
  );
}
