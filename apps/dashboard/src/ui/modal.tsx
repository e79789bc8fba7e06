import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** The multiplication sign, drawn as the close cross. */
const CLOSE_GLYPH = '\u00d7';

/** Props of {@link Modal}. */
export interface ModalProps {
  /** Whether the dialog is shown. */
  readonly open: boolean;
  /** The heading (translated). */
  readonly title: string;
  /** Called on Escape, the close button or a click outside. */
  readonly onClose: () => void;
  readonly children: ReactNode;
  /** Buttons at the bottom. */
  readonly footer?: ReactNode;
  /** `wide` for editors and viewers; `drawer` slides in from the right. */
  readonly size?: 'normal' | 'wide' | 'drawer';
}

/**
 * A modal dialog on the native `<dialog>` element, so focus stays inside and Escape closes it
 * without any focus-trap code of ours.
 */
export function Modal({ open, title, onClose, children, footer, size = 'normal' }: ModalProps) {
  const { t } = useTranslation('ui');
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  if (!open) return null;
  return (
    <dialog
      ref={ref}
      className={`ui-modal ui-modal-${size}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === ref.current) onClose();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <div className="ui-modal-header">
        <h2 id={titleId}>{title}</h2>
        <button
          type="button"
          className="ui-button ui-button-small"
          title={t('modal.close')}
          aria-label={t('modal.close')}
          onClick={onClose}
        >
          <span aria-hidden="true">{CLOSE_GLYPH}</span>
        </button>
      </div>
      <div className="ui-modal-body">{children}</div>
      {footer ? <div className="ui-modal-footer">{footer}</div> : null}
    </dialog>
  );
}
