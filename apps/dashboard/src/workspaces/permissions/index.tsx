import { OperationType, type PermissionRecord, PermissionType, ResourceType } from '@tempo/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../../api/tempo-api.tsx';
import { useFormat } from '../../i18n/format.ts';
import {
  Badge,
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
import './permissions.css';

/** Checkboxes for a closed set of values (resource or operation types). */
function ChoiceSet<T extends string>({
  legend,
  values,
  chosen,
  onChange,
}: {
  readonly legend: string;
  readonly values: readonly T[];
  readonly chosen: readonly T[];
  readonly onChange: (chosen: T[]) => void;
}) {
  return (
    <fieldset className="permissions-choices">
      <legend>{legend}</legend>
      {values.map((value) => (
        <Toggle
          key={value}
          label={value}
          checked={chosen.includes(value)}
          onChange={(on) =>
            onChange(on ? [...chosen.filter((c) => c !== value), value] : chosen.filter((c) => c !== value))
          }
        />
      ))}
    </fieldset>
  );
}

function PermissionModal({
  permission,
  onClose,
  onSaved,
}: {
  readonly permission: PermissionRecord | null;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) {
  const { t } = useTranslation('permissions');
  const tu = useTranslation('ui').t;
  const { client, tenantId } = useTempoApi();
  const [name, setName] = useState(permission?.name ?? '');
  const [resources, setResources] = useState<ResourceType[]>(permission?.resourceTypes ?? ['All']);
  const [operations, setOperations] = useState<OperationType[]>(permission?.operationTypes ?? ['Read']);
  const [kind, setKind] = useState<PermissionType>(permission?.permissionType ?? 'Permit');
  const [active, setActive] = useState(permission?.active ?? true);
  const submit = async () => {
    const body = { name, resourceTypes: resources, operationTypes: operations, permissionType: kind, active };
    const permissions = client.tenant(tenantId).permissions;
    if (permission) await permissions.update(permission.id, body);
    else await permissions.create(body);
    onSaved();
  };
  return (
    <FormModal
      open
      size="wide"
      title={permission ? t('editTitle') : t('createTitle')}
      onClose={onClose}
      onSubmit={submit}
      invalid={name.trim() === '' || resources.length === 0 || operations.length === 0}
    >
      <div className="ui-form-row">
        <TextField label={tu('fields.name')} value={name} onChange={setName} required />
        <SelectField
          label={t('kind')}
          hint={t('kindHint')}
          value={kind}
          onChange={(value) => setKind(value as PermissionType)}
          options={PermissionType.options.map((option) => ({ value: option, label: t(`kinds.${option}`) }))}
        />
      </div>
      <ChoiceSet
        legend={t('resources')}
        values={ResourceType.options}
        chosen={resources}
        onChange={setResources}
      />
      <ChoiceSet
        legend={t('operations')}
        values={OperationType.options}
        chosen={operations}
        onChange={setOperations}
      />
      <Toggle label={tu('fields.active')} checked={active} onChange={setActive} />
    </FormModal>
  );
}

/** Permissions: permit or deny rules over resource and operation types, linked to roles. */
export default function PermissionsPage() {
  const { t } = useTranslation('permissions');
  const tu = useTranslation('ui').t;
  const format = useFormat();
  const { client, tenantId } = useTempoApi();
  const tenant = client.tenant(tenantId);
  const {
    paging,
    search,
    dialogs,
    list: permissions,
    rowActions,
  } = useCrudList<PermissionRecord>((_client, page) => tenant.permissions.list(page), [tenantId]);
  return (
    <div className="workspace">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={<CreateButton label={t('create')} hint={t('createTitle')} onClick={dialogs.openCreate} />}
      />
      <ListTable
        caption={t('title')}
        list={permissions}
        search={search}
        rowKey={(permission) => permission.id}
        paging={paging}
        rowActions={rowActions}
        columns={[
          { id: 'name', header: tu('fields.name'), cell: (permission) => permission.name },
          { id: 'id', header: tu('fields.id'), cell: (permission) => <CopyableId id={permission.id} /> },
          {
            id: 'kind',
            header: t('kind'),
            cell: (permission) => (
              <Badge
                text={t(`kinds.${permission.permissionType}`)}
                tone={permission.permissionType === 'Permit' ? 'good' : 'bad'}
              />
            ),
          },
          {
            id: 'resources',
            header: t('resources'),
            cell: (permission) => format.list(permission.resourceTypes),
          },
          {
            id: 'operations',
            header: t('operations'),
            cell: (permission) => format.list(permission.operationTypes),
          },
          {
            id: 'active',
            header: tu('fields.active'),
            cell: (permission) => format.boolean(permission.active),
          },
        ]}
      />
      {dialogs.editing !== undefined ? (
        <PermissionModal
          permission={dialogs.editing}
          onClose={dialogs.closeEdit}
          onSaved={() => {
            dialogs.closeEdit();
            permissions.reload();
          }}
        />
      ) : null}
      <DeleteAndJsonDialogs
        dialogs={dialogs}
        deleteTitle={t('deleteTitle')}
        deleteMessage={(record) => t('deleteBody', { name: record.name })}
        recordId={(record) => record.id}
        onDelete={async (record) => {
          await tenant.permissions.delete(record.id);
          permissions.reload();
        }}
      />
    </div>
  );
}
