import { useState } from 'react';

/** Page sizes offered by every table. */
export const PAGE_SIZES = [10, 25, 50, 100] as const;

/** The page a table shows, as the list routes take it. */
export interface PageState {
  readonly pageNumber: number;
  readonly pageSize: number;
}

/** How many pages `totalCount` records fill (at least one, so "page 1 of 1" shows when empty). */
export const pageCount = (totalCount: number, pageSize: number): number =>
  Math.max(1, Math.ceil(totalCount / Math.max(1, pageSize)));

/** A page number clamped to 1..pageCount, or null when `text` is not a whole number. */
export const parsePageJump = (text: string, totalPages: number): number | null => {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  return Math.min(totalPages, Math.max(1, Number.parseInt(text, 10)));
};

/** The page state of one table, back to page 1 whenever the page size changes. */
export const usePaging = (initialPageSize = 25) => {
  const [page, setPage] = useState<PageState>({ pageNumber: 1, pageSize: initialPageSize });
  return {
    ...page,
    setPageNumber: (pageNumber: number) => setPage((current) => ({ ...current, pageNumber })),
    setPageSize: (pageSize: number) => setPage({ pageNumber: 1, pageSize }),
    /** Back to page 1, e.g. after a filter changed. */
    reset: () => setPage((current) => ({ ...current, pageNumber: 1 })),
  };
};

/** What {@link usePaging} returns. */
export type Paging = ReturnType<typeof usePaging>;
