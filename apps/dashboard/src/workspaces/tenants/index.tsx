import type { TenantRecord } from '@tempo/contracts';
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
  PageHeader,
  TextField,
  Toggle,
  useCrudList,
} from '../../ui/index.ts';

function TenantModal({
  tenant,
  onClose,
  onSaved,
}: {
  readonly tenant: TenantRecord | null;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) {
  const { t } = useTranslation('tenants');
  const tu = useTranslation('ui').t;
  const { client } = useTempoApi();
  const [name, setName] = useState(tenant?.name ?? '');
  const [region, setRegion] = useState(tenant?.region ?? '');
  const [active, setActive] = useState(tenant?.active ?? true);
  const submit = async () => {
    const body = { name, region: region === '' ? null : region, active };
    if (tenant) await client.tenants.update(tenant.id, body);
    else await client.tenants.create(body);
    onSaved();
  };
  return (
    <FormModal
      open
      title={tenant ? t('editTitle') : t('createTitle')}
      onClose={onClose}
      onSubmit={submit}
      invalid={name.trim() === ''}
    >
      <TextField label={tu('fields.name')} value={name} onChange={setName} required />
      <TextField label={t('region')} hint={t('regionHint')} value={region} onChange={setRegion} />
      <Toggle label={tu('fields.active')} checked={active} onChange={setActive} />
    </FormModal>
  );
}

/** Tenants (administrators): CRUD with inactive ones on request. */
export default function TenantsPage() {
  const { t } = useTranslation('tenants');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client } = useTempoApi();
  const {
    paging,
    search,
    dialogs,
    list: tenants,
    rowActions,
  } = useCrudList<TenantRecord>((api, page) => api.tenants.list(page), []);
  return (
    <div className="workspace">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={<CreateButton label={t('create')} hint={t('createTitle')} onClick={dialogs.openCreate} />}
      />
      <ListTable
        caption={t('title')}
        list={tenants}
        search={search}
        rowKey={(tenant) => tenant.id}
        paging={paging}
        rowActions={rowActions}
        columns={[
          { id: 'name', header: tu('fields.name'), cell: (tenant) => tenant.name },
          { id: 'id', header: tu('fields.id'), cell: (tenant) => <CopyableId id={tenant.id} /> },
          { id: 'region', header: t('region'), cell: (tenant) => tenant.region ?? '' },
          { id: 'active', header: tu('fields.active'), cell: (tenant) => format.boolean(tenant.active) },
          {
            id: 'protected',
            header: tu('fields.protected'),
            cell: (tenant) => format.boolean(tenant.isProtected),
          },
          {
            id: 'created',
            header: tu('fields.created'),
            cell: (tenant) => format.dateTime(tenant.createdUtc),
          },
        ]}
      />
      {dialogs.editing !== undefined ? (
        <TenantModal
          tenant={dialogs.editing}
          onClose={dialogs.closeEdit}
          onSaved={() => {
            dialogs.closeEdit();
            tenants.reload();
          }}
        />
      ) : null}
      <DeleteAndJsonDialogs
        dialogs={dialogs}
        deleteTitle={t('deleteTitle')}
        deleteMessage={(record) => t('deleteBody', { name: record.name })}
        recordId={(record) => record.id}
        onDelete={async (record) => {
          await client.tenants.delete(record.id);
          tenants.reload();
        }}
      />
    </div>
  );
}
