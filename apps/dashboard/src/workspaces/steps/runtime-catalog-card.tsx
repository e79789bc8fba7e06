import type { RuntimeDescriptor } from '@tempo/contracts';
import { useTranslation } from 'react-i18next';
import { DataTable, RuntimeAvailability, useAvailabilityReason } from '../../ui/index.ts';

/** The tenant's runtimes: which ones steps can use here, and why the others cannot. */
export function RuntimeCatalogCard({
  runtimes,
  loading,
  error,
}: {
  readonly runtimes?: readonly RuntimeDescriptor[];
  readonly loading: boolean;
  readonly error?: unknown;
}) {
  const { t } = useTranslation('steps');
  const reason = useAvailabilityReason();
  return (
    <section aria-label={t('catalog.title')}>
      <h2>{t('catalog.title')}</h2>
      <p className="ui-page-subtitle">{t('catalog.subtitle')}</p>
      <DataTable
        caption={t('catalog.title')}
        rows={runtimes}
        rowKey={(runtime) => runtime.runtimeKey}
        loading={loading}
        error={error}
        columns={[
          { id: 'key', header: t('fields.runtime'), cell: (runtime) => <code>{runtime.runtimeKey}</code> },
          { id: 'name', header: t('catalog.displayName'), cell: (runtime) => runtime.displayName },
          {
            id: 'availability',
            header: t('catalog.availability'),
            cell: (runtime) => <RuntimeAvailability state={runtime.availability} />,
          },
          {
            id: 'why',
            header: t('catalog.why'),
            cell: (runtime) =>
              runtime.availability === 'Available' ? runtime.description : reason(runtime.availability),
          },
        ]}
      />
    </section>
  );
}
