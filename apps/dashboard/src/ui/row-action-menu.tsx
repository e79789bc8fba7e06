import { useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** One entry of a row's action menu. */
export interface RowAction {
  /** Stable key, also the `data-action` attribute tests click on. */
  readonly id: string;
  /** Shown text (translated). */
  readonly label: string;
  readonly onSelect: () => void;
  /** Drawn in the danger colour (Delete). */
  readonly danger?: boolean;
}

/** Callbacks of the standard row actions; each one given adds its entry. */
export interface StandardRowActions<T> {
  readonly onEdit?: (row: T) => void;
  readonly onView?: (row: T) => void;
  readonly onViewJson?: (row: T) => void;
  readonly onDelete?: (row: T) => void;
  /** Actions of the page's own (Run, Download, ...), shown before Delete. */
  readonly extraActions?: (row: T) => readonly RowAction[];
}

/** The Edit / View / View JSON / (extra) / Delete entries for one row, labelled in the `ui` namespace. */
export const useStandardRowActions = <T,>(handlers: StandardRowActions<T>) => {
  const { t } = useTranslation('ui');
  return (row: T): RowAction[] => {
    const actions: RowAction[] = [];
    const { onEdit, onView, onViewJson, onDelete, extraActions } = handlers;
    if (onEdit) actions.push({ id: 'edit', label: t('actions.edit'), onSelect: () => onEdit(row) });
    if (onView) actions.push({ id: 'view', label: t('actions.view'), onSelect: () => onView(row) });
    if (onViewJson)
      actions.push({ id: 'json', label: t('actions.viewJson'), onSelect: () => onViewJson(row) });
    if (extraActions) actions.push(...extraActions(row));
    if (onDelete)
      actions.push({ id: 'delete', label: t('actions.delete'), onSelect: () => onDelete(row), danger: true });
    return actions;
  };
};

/** The "Actions" disclosure menu of one table row. */
export function RowActionMenu({ actions }: { readonly actions: readonly RowAction[] }) {
  const { t } = useTranslation('ui');
  const ref = useRef<HTMLDetailsElement>(null);
  if (actions.length === 0) return null;
  return (
    <details className="ui-row-menu" ref={ref}>
      <summary className="ui-button ui-button-small" title={t('table.actions')}>
        {t('table.actions')}
      </summary>
      <ul>
        {actions.map((action) => (
          <li key={action.id}>
            <button
              type="button"
              data-action={action.id}
              className={action.danger ? 'ui-menu-item ui-danger' : 'ui-menu-item'}
              title={action.label}
              onClick={() => {
                ref.current?.removeAttribute('open');
                action.onSelect();
              }}
            >
              {action.label}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
