import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from './error-notice.tsx';
import { Pagination } from './pagination.tsx';
import type { Paging } from './paging.ts';
import { type RowAction, RowActionMenu } from './row-action-menu.tsx';

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
  } = props;
  const columnCount = columns.length + (rowActions ? 1 : 0);
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
      <ErrorNotice error={error} />
      <div className="ui-table-scroll">
        <table className="ui-table">
          <caption className="ui-visually-hidden">{caption}</caption>
          <thead>
            <tr>
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
    </section>
  );
}
