import { ConfirmModal } from './confirm-modal.tsx';
import { JsonViewerModal } from './json-viewer-modal.tsx';
import type { useRecordDialogs } from './record-dialogs.ts';

/** Props of {@link DeleteAndJsonDialogs}. */
export interface DeleteAndJsonDialogsProps<T> {
  readonly dialogs: ReturnType<typeof useRecordDialogs<T>>;
  /** The confirmation's heading (translated). */
  readonly deleteTitle: string;
  /** What deleting `record` does (translated). */
  readonly deleteMessage: (record: T) => string;
  readonly recordId: (record: T) => string;
  /** Deletes the record; the dialog shows a refusal and stays open. */
  readonly onDelete: (record: T) => Promise<void>;
}

/** The delete confirmation and the JSON viewer every CRUD page opens from its row menu. */
export function DeleteAndJsonDialogs<T>({
  dialogs,
  deleteTitle,
  deleteMessage,
  recordId,
  onDelete,
}: DeleteAndJsonDialogsProps<T>) {
  const { deleting } = dialogs;
  return (
    <>
      <ConfirmModal
        open={deleting !== null}
        title={deleteTitle}
        message={deleting === null ? '' : deleteMessage(deleting)}
        recordId={deleting === null ? undefined : recordId(deleting)}
        onClose={dialogs.closeDelete}
        onConfirm={async () => {
          if (deleting !== null) await onDelete(deleting);
        }}
      />
      <JsonViewerModal value={dialogs.json} onClose={dialogs.closeJson} />
    </>
  );
}
