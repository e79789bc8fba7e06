import type { Page } from '@tempo/contracts';
import { type ReactNode, useState } from 'react';
import { DataTable, type DataTableProps } from './data-table.tsx';
import { rowMatches } from './record-dialogs.ts';
import { SearchFilter } from './search-filter.tsx';

/** The search box's text and the "Include inactive" switch of one list. */
export const useSearchState = () => {
  const [query, setQuery] = useState('');
  const [includeInactive, setIncludeInactive] = useState(false);
  return { query, setQuery, includeInactive, setIncludeInactive };
};

/** What {@link useSearchState} returns. */
export type SearchState = ReturnType<typeof useSearchState>;

/** One paged read of a list route, as `useApiQuery` gives it. */
export interface PagedList<T> {
  readonly data?: Page<T>;
  readonly loading: boolean;
  readonly error?: unknown;
  reload(): void;
}

/** Props of {@link ListTable}. */
export type ListTableProps<T> = Omit<
  DataTableProps<T>,
  'rows' | 'loading' | 'error' | 'onRefresh' | 'totalCount' | 'filters'
> & {
  readonly list: PagedList<T>;
  readonly search: SearchState;
  /** Filters of the page's own, shown after the search box. */
  readonly extraFilters?: ReactNode;
};

/** A {@link DataTable} over a paged list route, with the search box and "Include inactive". */
export function ListTable<T>({ list, search, extraFilters, ...table }: ListTableProps<T>) {
  return (
    <DataTable
      {...table}
      rows={list.data?.items.filter((row) => rowMatches(row, search.query))}
      loading={list.loading}
      error={list.error}
      onRefresh={list.reload}
      totalCount={list.data?.totalCount}
      filters={
        <>
          <SearchFilter
            query={search.query}
            onQuery={search.setQuery}
            includeInactive={search.includeInactive}
            onIncludeInactive={search.setIncludeInactive}
          />
          {extraFilters}
        </>
      }
    />
  );
}
