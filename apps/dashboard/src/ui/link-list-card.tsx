import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyableId } from './copy-button.tsx';
import { ErrorNotice } from './error-notice.tsx';
import { SelectField, type SelectOption } from './form-fields.tsx';

/** One link shown by {@link LinkListCard}: the link record's id and what it points at. */
export interface LinkItem {
  /** Id of the link record (a role map, for instance), removed by `onRemove`. */
  readonly linkId: string;
  /** Id of the record linked to. */
  readonly targetId: string;
  /** Name of the record linked to. */
  readonly label: string;
}

/** Props of {@link LinkListCard}. */
export interface LinkListCardProps {
  /** The card's heading (translated). */
  readonly title: string;
  /** Explanation under the heading (translated). */
  readonly hint?: string;
  readonly links: readonly LinkItem[] | undefined;
  /** Everything that can be linked; those already linked are left out of the picker. */
  readonly options: readonly SelectOption[];
  readonly onAdd: (targetId: string) => Promise<void>;
  readonly onRemove: (linkId: string) => Promise<void>;
}

/** The links of one record to others (a user's roles, a role's permissions), with add and remove. */
export function LinkListCard({ title, hint, links, options, onAdd, onRemove }: LinkListCardProps) {
  const { t } = useTranslation('ui');
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<unknown>(null);
  const linked = new Set((links ?? []).map((link) => link.targetId));
  const run = async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section className="ui-card" aria-label={title}>
      <h3>{title}</h3>
      {hint ? <p className="ui-field-hint">{hint}</p> : null}
      {links === undefined ? <p>{t('table.loading')}</p> : null}
      {links?.length === 0 ? <p>{t('links.none')}</p> : null}
      <ul className="ui-link-list">
        {(links ?? []).map((link) => (
          <li key={link.linkId}>
            <span>{link.label}</span> <CopyableId id={link.targetId} />
            <button
              type="button"
              className="ui-button ui-button-small"
              title={t('links.remove', { name: link.label })}
              onClick={() => void run(() => onRemove(link.linkId))}
            >
              {t('links.removeShort')}
            </button>
          </li>
        ))}
      </ul>
      <div className="ui-link-add">
        <SelectField
          label={t('links.choose')}
          value={choice}
          onChange={setChoice}
          options={[
            { value: '', label: t('links.placeholder') },
            ...options.filter((option) => !linked.has(option.value)),
          ]}
        />
        <button
          type="button"
          className="ui-button"
          title={t('links.add')}
          disabled={choice === ''}
          onClick={() =>
            void run(async () => {
              await onAdd(choice);
              setChoice('');
            })
          }
        >
          {t('links.add')}
        </button>
      </div>
      <ErrorNotice error={error} />
    </section>
  );
}
