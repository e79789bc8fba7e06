import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from './confirm-modal.tsx';
import { ErrorNotice } from './error-notice.tsx';
import { Pagination } from './pagination.tsx';
import type { Paging } from './paging.ts';
import { type RowAction, RowActionMenu } from './row-action-menu.tsx';
import { headerState, selectedVisible, toggleAll, toggleId } from './selection.ts';

/** One column of a {@link DataTable}. */
export interface Column<T> {
  /** Stable key of the column. */
  readonly id: string;
  /** Header text (translated). */
  readonly header: string;
  /** The cell of one row. */
  readonly cell: (row: T) => ReactNode;
  /** Hover text of the header (translated). */
  readonly hint?: string;
}

/** Props of {@link DataTable}. */
export interface DataTableProps<T> {
  /** Names the table for screen readers (translated). */
  readonly caption: string;
  readonly columns: readonly Column<T>[];
  /** The rows of the current page; undefined while the first load runs. */
  readonly rows: readonly T[] | undefined;
  readonly rowKey: (row: T) => string;
  /** Server-side paging; left out for short lists shown whole. */
  readonly paging?: Paging;
  /** The total number of records behind `paging`. */
  readonly totalCount?: number;
  /** Filter controls shown above the table. */
  readonly filters?: ReactNode;
  readonly loading?: boolean;
  /** The load's failure, shown with its code above the table. */
  readonly error?: unknown;
  /** Reloads the rows; shows a "Refresh" button when given. */
  readonly onRefresh?: () => void;
  /** The row's action menu (see `useStandardRowActions`). */
  readonly rowActions?: (row: T) => readonly RowAction[];
  /** Makes a row clickable (opens its drawer, for instance). */
  readonly onRowClick?: (row: T) => void;
  /** Text shown when there are no rows (translated); "Nothing here yet." when left out. */
  readonly emptyText?: string;
  /**
   * Deletes the selected rows (by `rowKey`) after one confirmation listing their ids; when given,
   * rows get checkboxes and a bar with "Delete selected". A rejection stays in the dialog.
   */
  readonly onBulkDelete?: (ids: readonly string[]) => Promise<void>;
}

/** The checkbox bar over a table whose rows can be selected. */
function BulkSelectBar({
  count,
  onClear,
  onDelete,
}: {
  readonly count: number;
  readonly onClear: () => void;
  readonly onDelete: () => void;
}) {
  const { t } = useTranslation('ui');
  return (
    <div className="ui-bulk-bar" role="toolbar" aria-label={t('bulk.toolbar')}>
      <span role="status">{t('bulk.selected', { n: count })}</span>
      <button
        type="button"
        className="ui-button ui-button-small"
        title={t('bulk.clearHint')}
        onClick={onClear}
        disabled={count === 0}
      >
        {t('bulk.clear')}
      </button>
      <button
        type="button"
        className="ui-button ui-button-small ui-button-danger"
        title={t('bulk.deleteHint')}
        onClick={onDelete}
        disabled={count === 0}
      >
        {t('bulk.delete')}
      </button>
    </div>
  );
}

/** The table of every workspace: filters, refresh, loading and empty states, row actions, paging. */
export function DataTable<T>(props: DataTableProps<T>) {
  const { t } = useTranslation('ui');
  const {
    caption,
    columns,
    rows,
    rowKey,
    paging,
    totalCount,
    filters,
    loading,
    error,
    onRefresh,
    rowActions,
    onRowClick,
    emptyText,
    onBulkDelete,
  } = props;
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const visibleIds = rows?.map(rowKey) ?? [];
  const chosen = selectedVisible(selected, visibleIds);
  const header = headerState(selected, visibleIds);
  const columnCount = columns.length + (rowActions ? 1 : 0) + (onBulkDelete ? 1 : 0);
  return (
    <section className="ui-table-card" aria-busy={loading ?? false}>
      {filters || onRefresh ? (
        <div className="ui-table-toolbar">
          <div className="ui-table-filters">{filters}</div>
          {onRefresh ? (
            <button
              type="button"
              className="ui-button ui-button-small"
              title={t('table.refresh')}
              onClick={onRefresh}
              disabled={loading}
            >
              {t('table.refresh')}
            </button>
          ) : null}
        </div>
      ) : null}
      {onBulkDelete ? (
        <BulkSelectBar
          count={chosen.length}
          onClear={() => setSelected(new Set())}
          onDelete={() => setConfirming(true)}
        />
      ) : null}
      <ErrorNotice error={error} />
      <div className="ui-table-scroll">
        <table className="ui-table">
          <caption className="ui-visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {onBulkDelete ? (
                <th scope="col" className="ui-select-cell">
                  <input
                    type="checkbox"
                    aria-label={t('bulk.selectAll')}
                    title={t('bulk.selectAll')}
                    checked={header === 'all'}
                    ref={(box) => {
                      if (box) box.indeterminate = header === 'some';
                    }}
                    disabled={visibleIds.length === 0}
                    onChange={() => setSelected((current) => toggleAll(current, visibleIds))}
                  />
                </th>
              ) : null}
              {columns.map((column) => (
                <th key={column.id} scope="col" title={column.hint ?? column.header}>
                  {column.header}
                </th>
              ))}
              {rowActions ? (
                <th scope="col" className="ui-actions-cell">
                  <span className="ui-visually-hidden">{t('table.actions')}</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows === undefined || (loading && rows.length === 0) ? (
              <tr>
                <td colSpan={columnCount} className="ui-table-state">
                  {t('table.loading')}
                </td>
              </tr>
            ) : rows.length === 0 ? (
              <tr>
                <td colSpan={columnCount} className="ui-table-state">
                  {emptyText ?? t('table.empty')}
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr
                  key={rowKey(row)}
                  className={onRowClick ? 'ui-row-clickable' : undefined}
                  onClick={onRowClick ? () => onRowClick(row) : undefined}
                >
                  {onBulkDelete ? (
                    // Ticking a box must not also open the row.
                    <td
                      className="ui-select-cell"
                      onClick={(event) => event.stopPropagation()}
                      onKeyDown={(event) => event.stopPropagation()}
                    >
                      <input
                        type="checkbox"
                        aria-label={t('bulk.selectRow', { id: rowKey(row) })}
                        title={t('bulk.selectRow', { id: rowKey(row) })}
                        checked={selected.has(rowKey(row))}
                        onChange={() => setSelected((current) => toggleId(current, rowKey(row)))}
                      />
                    </td>
                  ) : null}
                  {columns.map((column) => (
                    <td key={column.id}>{column.cell(row)}</td>
                  ))}
                  {rowActions ? (
                    // The menu's own clicks must not also open the row.
                    <td
                      className="ui-actions-cell"
                      onClick={(event) => event.stopPropagation()}
                      onKeyDown={(event) => event.stopPropagation()}
                    >
                      <RowActionMenu actions={rowActions(row)} />
                    </td>
                  ) : null}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {paging ? <Pagination paging={paging} totalCount={totalCount ?? 0} /> : null}
      {onBulkDelete ? (
        <ConfirmModal
          open={confirming}
          title={t('bulk.confirmTitle', { n: chosen.length })}
          message={t('bulk.confirmBody', { n: chosen.length })}
          recordIds={chosen}
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await onBulkDelete(chosen);
            setSelected(new Set());
          }}
        />
      ) : null}
    </section>
  );
}
