import { useTranslation } from 'react-i18next';
import { readSettings } from '../../api/settings-api.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { useFormat } from '../../i18n/format.ts';
import { ErrorNotice, Tiles } from '../../ui/index.ts';
import { artifactLimits } from './artifact-limits.ts';

/**
 * The storage limits each tenant's artifacts are held to, read from the settings (global
 * administrators only: the API exposes no per-tenant usage figure, so only the limits show).
 */
export function ArtifactLimitTiles() {
  const { t } = useTranslation('artifacts');
  const format = useFormat();
  const settings = useApiQuery(readSettings, []);
  const limits = settings.data ? artifactLimits(settings.data.settings) : null;
  return (
    <section aria-label={t('limits.title')}>
      <ErrorNotice error={settings.error} />
      {limits ? (
        <Tiles
          tiles={[
            {
              id: 'tenant',
              label: t('limits.perTenant'),
              value: format.bytes(limits.maxBytesPerTenant),
              hint: t('limits.perTenantHint'),
            },
            { id: 'upload', label: t('limits.upload'), value: format.bytes(limits.maxUploadBytes) },
            {
              id: 'versions',
              label: t('limits.versions'),
              value:
                limits.maxVersionsPerArtifact === 0
                  ? t('limits.unlimited')
                  : format.number(limits.maxVersionsPerArtifact),
            },
            {
              id: 'grace',
              label: t('limits.grace'),
              value: t('limits.days', { n: format.number(limits.versionGracePeriodDays) }),
              hint: t('limits.graceHint'),
            },
          ]}
        />
      ) : null}
    </section>
  );
}
