import { useTranslation } from 'react-i18next';
import { TextField, Toggle } from './form-fields.tsx';

/** The search box most tables carry, with the optional "Include inactive" switch. */
export function SearchFilter({
  query,
  onQuery,
  includeInactive,
  onIncludeInactive,
}: {
  readonly query: string;
  readonly onQuery: (query: string) => void;
  readonly includeInactive?: boolean;
  readonly onIncludeInactive?: (value: boolean) => void;
}) {
  const { t } = useTranslation('ui');
  return (
    <>
      <TextField label={t('fields.search')} hint={t('fields.searchHint')} value={query} onChange={onQuery} />
      {onIncludeInactive ? (
        <Toggle
          label={t('fields.includeInactive')}
          checked={includeInactive ?? false}
          onChange={onIncludeInactive}
        />
      ) : null}
    </>
  );
}
