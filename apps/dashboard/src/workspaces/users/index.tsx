import type { UserRecord } from '@tempo/contracts';
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

function UserModal({
  user,
  onClose,
  onSaved,
}: {
  readonly user: UserRecord | null;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) {
  const { t } = useTranslation('users');
  const tu = useTranslation('ui').t;
  const { client, tenantId, isAdmin } = useTempoApi();
  const tenant = client.tenant(tenantId);
  const [form, setForm] = useState({
    firstName: user?.firstName ?? '',
    lastName: user?.lastName ?? '',
    email: user?.email ?? '',
    password: '',
    isAdmin: user?.isAdmin ?? false,
    isTenantAdmin: user?.isTenantAdmin ?? false,
    active: user?.active ?? true,
  });
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) =>
    setForm((current) => ({ ...current, [key]: value }));
  const links = useApiQuery(
    () => (user ? tenant.users.roles(user.id) : Promise.resolve([])),
    [tenantId, user?.id],
  );
  const roles = useApiQuery(() => tenant.roles.list({ pageSize: 1000 }), [tenantId]);
  const roleName = (id: string) => roles.data?.items.find((role) => role.id === id)?.name ?? id;
  const submit = async () => {
    const { password, ...rest } = form;
    // An empty password on edit keeps the stored one; the server hashes whatever is sent.
    const body = { ...rest, ...(password === '' ? {} : { passwordSha256: password }) };
    if (user) await tenant.users.update(user.id, body);
    else await tenant.users.create({ ...body, passwordSha256: password });
    onSaved();
  };
  return (
    <FormModal
      open
      size="wide"
      title={user ? t('editTitle') : t('createTitle')}
      onClose={onClose}
      onSubmit={submit}
      invalid={form.email.trim() === '' || (user === null && form.password === '')}
    >
      <div className="ui-form-row">
        <TextField
          label={t('firstName')}
          value={form.firstName}
          onChange={(value) => set('firstName', value)}
        />
        <TextField label={t('lastName')} value={form.lastName} onChange={(value) => set('lastName', value)} />
      </div>
      <div className="ui-form-row">
        <TextField
          label={t('email')}
          type="email"
          value={form.email}
          onChange={(value) => set('email', value)}
          required
        />
        <TextField
          label={t('password')}
          hint={user ? t('passwordKeep') : undefined}
          type="password"
          value={form.password}
          onChange={(value) => set('password', value)}
          required={user === null}
        />
      </div>
      <Toggle
        label={t('isTenantAdmin')}
        hint={t('isTenantAdminHint')}
        checked={form.isTenantAdmin}
        onChange={(value) => set('isTenantAdmin', value)}
      />
      {isAdmin ? (
        <Toggle
          label={t('isAdmin')}
          hint={t('isAdminHint')}
          checked={form.isAdmin}
          onChange={(value) => set('isAdmin', value)}
        />
      ) : null}
      <Toggle label={tu('fields.active')} checked={form.active} onChange={(value) => set('active', value)} />
      {user ? (
        <LinkListCard
          title={t('roles')}
          hint={t('rolesHint')}
          links={links.data?.map((link) => ({
            linkId: link.id,
            targetId: link.roleId,
            label: roleName(link.roleId),
          }))}
          options={(roles.data?.items ?? []).map((role) => ({ value: role.id, label: role.name }))}
          onAdd={async (roleId) => {
            await tenant.userRoleMaps.create({ userId: user.id, roleId });
            links.reload();
          }}
          onRemove={async (linkId) => {
            await tenant.userRoleMaps.delete(linkId);
            links.reload();
          }}
        />
      ) : (
        <p className="ui-callout">{t('saveFirst')}</p>
      )}
    </FormModal>
  );
}

/** Users of the tenant: CRUD and their role assignments. */
export default function UsersPage() {
  const { t } = useTranslation('users');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId } = useTempoApi();
  const tenant = client.tenant(tenantId);
  const {
    paging,
    search,
    dialogs,
    list: users,
    rowActions,
  } = useCrudList<UserRecord>((_client, page) => tenant.users.list(page), [tenantId]);
  return (
    <div className="workspace">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={<CreateButton label={t('create')} hint={t('createTitle')} onClick={dialogs.openCreate} />}
      />
      <ListTable
        caption={t('title')}
        list={users}
        search={search}
        rowKey={(user) => user.id}
        paging={paging}
        rowActions={rowActions}
        columns={[
          { id: 'email', header: t('email'), cell: (user) => user.email },
          {
            id: 'name',
            header: tu('fields.name'),
            cell: (user) => `${user.firstName} ${user.lastName}`.trim(),
          },
          { id: 'id', header: tu('fields.id'), cell: (user) => <CopyableId id={user.id} /> },
          {
            id: 'tenantAdmin',
            header: t('isTenantAdmin'),
            cell: (user) => format.boolean(user.isTenantAdmin),
          },
          { id: 'admin', header: t('isAdmin'), cell: (user) => format.boolean(user.isAdmin) },
          { id: 'active', header: tu('fields.active'), cell: (user) => format.boolean(user.active) },
        ]}
      />
      {dialogs.editing !== undefined ? (
        <UserModal
          user={dialogs.editing}
          onClose={dialogs.closeEdit}
          onSaved={() => {
            dialogs.closeEdit();
            users.reload();
          }}
        />
      ) : null}
      <DeleteAndJsonDialogs
        dialogs={dialogs}
        deleteTitle={t('deleteTitle')}
        deleteMessage={(record) => t('deleteBody', { name: record.email })}
        recordId={(record) => record.id}
        onDelete={async (record) => {
          await tenant.users.delete(record.id);
          users.reload();
        }}
      />
    </div>
  );
}
