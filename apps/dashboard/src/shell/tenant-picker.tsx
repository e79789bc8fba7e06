import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useTempoApi } from '../api/tempo-api.tsx';
import { useApiQuery } from '../api/use-api-query.ts';

/** The tenant in view, for administrators who may act on every tenant. */
export const TenantPicker = () => {
  const { t } = useTranslation('shell');
  const { tenantId, setTenantId } = useTempoApi();
  const id = useId();
  const tenants = useApiQuery((client) => client.tenants.list({ pageSize: 1000, includeInactive: true }), []);
  const items = tenants.data?.items ?? [];
  const known = items.some((tenant) => tenant.id === tenantId);
  return (
    <span className="tenant-picker">
      <label htmlFor={id} className="visually-hidden">
        {t('tenant.label')}
      </label>
      <select
        id={id}
        value={tenantId}
        title={t('tenant.hint')}
        onChange={(event) => setTenantId(event.target.value)}
      >
        {known || tenantId === '' ? null : <option value={tenantId}>{tenantId}</option>}
        {items.map((tenant) => (
          <option key={tenant.id} value={tenant.id}>
            {tenant.active ? tenant.name : t('tenant.inactive', { name: tenant.name })}
          </option>
        ))}
      </select>
    </span>
  );
};
