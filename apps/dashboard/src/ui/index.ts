/** The shared components every workspace builds on. */
import './ui.css';

export { Badge, type BadgeTone } from './badge.tsx';
export { Chart, type ChartProps, type ChartSeries } from './chart.tsx';
export { CodeEditor, type CodeEditorProps } from './code-editor.tsx';
export { CODE_LANGUAGES, type CodeLanguage, languageOfPath } from './code-language.ts';
export { ConfirmModal, type ConfirmModalProps } from './confirm-modal.tsx';
export { CopyableId, CopyButton } from './copy-button.tsx';
export { type Column, DataTable, type DataTableProps } from './data-table.tsx';
export { ErrorNotice } from './error-notice.tsx';
export { type ErrorText, errorText } from './error-text.ts';
export {
  isJsonText,
  JsonField,
  SelectField,
  type SelectOption,
  TextField,
  Toggle,
} from './form-fields.tsx';
export { FormModal, type FormModalProps } from './form-modal.tsx';
export { JsonViewerModal } from './json-viewer-modal.tsx';
export { type LinkItem, LinkListCard, type LinkListCardProps } from './link-list-card.tsx';
export {
  ListTable,
  type ListTableProps,
  type PagedList,
  type SearchState,
  useSearchState,
} from './list-table.tsx';
export { Modal, type ModalProps } from './modal.tsx';
export { PageHeader, type PageHeaderProps } from './page-header.tsx';
export { PAGE_SIZES, type PageState, type Paging, pageCount, parsePageJump, usePaging } from './paging.ts';
export { DeleteAndJsonDialogs, type DeleteAndJsonDialogsProps } from './record-dialog-views.tsx';
export { rowMatches, useRecordDialogs } from './record-dialogs.ts';
export {
  type RowAction,
  RowActionMenu,
  type StandardRowActions,
  useStandardRowActions,
} from './row-action-menu.tsx';
export { RuntimeAvailability, useAvailabilityReason } from './runtime-availability.tsx';
export { SearchFilter } from './search-filter.tsx';
export { type Tile, Tiles } from './tiles.tsx';
export { CreateButton, useCrudList } from './use-crud-list.tsx';
