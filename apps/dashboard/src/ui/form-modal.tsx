import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from './error-notice.tsx';
import { Modal, type ModalProps } from './modal.tsx';

/** Props of {@link FormModal}. */
export interface FormModalProps {
  readonly open: boolean;
  /** The heading, e.g. "Create step" (translated). */
  readonly title: string;
  readonly onClose: () => void;
  /** Saves; a rejection is shown with its code and the dialog stays open. */
  readonly onSubmit: () => Promise<void>;
  readonly children: ReactNode;
  /** The submit button's label; "Save" when left out. */
  readonly submitLabel?: string;
  /** Disables the submit button, e.g. while a field does not parse. */
  readonly invalid?: boolean;
  readonly size?: ModalProps['size'];
}

/** A create/edit dialog: the fields, Cancel and Save, the busy state and the API's error. */
export function FormModal({
  open,
  title,
  onClose,
  onSubmit,
  children,
  submitLabel,
  invalid = false,
  size,
}: FormModalProps) {
  const { t } = useTranslation('ui');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const label = submitLabel ?? t('actions.save');
  const close = () => {
    setError(null);
    onClose();
  };
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={title} onClose={close} size={size}>
      <form
        className="ui-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {children}
        <ErrorNotice error={error} />
        <div className="ui-modal-footer">
          <button type="button" className="ui-button" title={t('actions.cancel')} onClick={close}>
            {t('actions.cancel')}
          </button>
          <button
            type="submit"
            className="ui-button ui-button-primary"
            title={label}
            disabled={busy || invalid}
          >
            {busy ? t('actions.saving') : label}
          </button>
        </div>
      </form>
    </Modal>
  );
}
