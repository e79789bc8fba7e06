import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyableId } from './copy-button.tsx';
import { ErrorNotice } from './error-notice.tsx';
import { Modal } from './modal.tsx';

/** Props of {@link ConfirmModal}. */
export interface ConfirmModalProps {
  /** Whether the dialog is shown. */
  readonly open: boolean;
  /** The heading, e.g. "Delete step" (translated). */
  readonly title: string;
  /** What will happen (translated). */
  readonly message: string;
  /** The id of the record concerned, shown so the reader can check it. */
  readonly recordId?: string;
  /** The ids of several records concerned (a bulk delete), listed one per line. */
  readonly recordIds?: readonly string[];
  /** The confirming button's label; "Delete" when left out. */
  readonly confirmLabel?: string;
  /** Runs the action; a rejection is shown in the dialog, which then stays open. */
  readonly onConfirm: () => Promise<void>;
  readonly onClose: () => void;
}

/** Asks before a destructive action and shows the record id it concerns. */
export function ConfirmModal({
  open,
  title,
  message,
  recordId,
  recordIds,
  confirmLabel,
  onConfirm,
  onClose,
}: ConfirmModalProps) {
  const { t } = useTranslation('ui');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const label = confirmLabel ?? t('actions.delete');
  const close = () => {
    setError(null);
    onClose();
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={title}
      onClose={close}
      footer={
        <>
          <button type="button" className="ui-button" title={t('actions.cancel')} onClick={close}>
            {t('actions.cancel')}
          </button>
          <button
            type="button"
            className="ui-button ui-button-danger"
            title={label}
            disabled={busy}
            onClick={confirm}
          >
            {label}
          </button>
        </>
      }
    >
      <p>{message}</p>
      {recordId ? (
        <p className="ui-confirm-record">
          <span>{t('confirm.record')}</span> <CopyableId id={recordId} />
        </p>
      ) : null}
      {recordIds && recordIds.length > 0 ? (
        <ul className="ui-confirm-records" aria-label={t('confirm.records')}>
          {recordIds.map((id) => (
            <li key={id}>
              <CopyableId id={id} />
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorNotice error={error} />
    </Modal>
  );
}
