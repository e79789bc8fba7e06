import type { TempoClient } from '@tempo/client';
import type { Page, PageQueryInput } from '@tempo/contracts';
import { useApiQuery } from '../api/use-api-query.ts';
import { useSearchState } from './list-table.tsx';
import { usePaging } from './paging.ts';
import { useRecordDialogs } from './record-dialogs.ts';
import { type StandardRowActions, useStandardRowActions } from './row-action-menu.tsx';

/**
 * The state of a CRUD page over one list route: paging, search, its dialogs, the page of records
 * (read again when `deps`, the page or "Include inactive" change) and the row menu with Edit,
 * View JSON and Delete, plus `more` (View, page actions).
 */
export const useCrudList = <T,>(
  load: (client: TempoClient, page: PageQueryInput) => Promise<Page<T>>,
  deps: readonly unknown[],
  more: Pick<StandardRowActions<T>, 'onView' | 'extraActions'> = {},
) => {
  const paging = usePaging();
  const search = useSearchState();
  const dialogs = useRecordDialogs<T>();
  const { pageNumber, pageSize } = paging;
  const { includeInactive } = search;
  const list = useApiQuery(
    (client) => load(client, { pageNumber, pageSize, includeInactive }),
    [...deps, pageNumber, pageSize, includeInactive],
  );
  const rowActions = useStandardRowActions<T>({
    onEdit: dialogs.openEdit,
    onViewJson: dialogs.openJson,
    onDelete: dialogs.openDelete,
    ...more,
  });
  return { paging, search, dialogs, list, rowActions };
};

/** The primary "Create …" button of a page header. */
export function CreateButton({
  label,
  hint,
  onClick,
}: {
  readonly label: string;
  readonly hint: string;
  readonly onClick: () => void;
}) {
  return (
    <button type="button" className="ui-button ui-button-primary" title={hint} onClick={onClick}>
      {label}
    </button>
  );
}
