import { useTranslation } from 'react-i18next';
import { CopyButton } from './copy-button.tsx';
import { Modal } from './modal.tsx';

/** Props of {@link JsonViewerModal}. */
export interface JsonViewerModalProps {
  /** The value shown; the dialog is closed while it is undefined. */
  readonly value: unknown;
  /** The heading (translated); "JSON" when left out. */
  readonly title?: string;
  readonly onClose: () => void;
}

/** Shows any value as indented JSON, with a copy button. */
export function JsonViewerModal({ value, title, onClose }: JsonViewerModalProps) {
  const { t } = useTranslation('ui');
  const text = value === undefined ? '' : JSON.stringify(value, null, 2);
  return (
    <Modal
      open={value !== undefined}
      title={title ?? t('json.title')}
      onClose={onClose}
      size="wide"
      footer={
        <>
          <CopyButton value={text} label={t('json.title')} />
          <button type="button" className="ui-button" title={t('modal.close')} onClick={onClose}>
            {t('modal.close')}
          </button>
        </>
      }
    >
      <textarea
        className="ui-json ui-json-area"
        readOnly
        value={text}
        rows={20}
        aria-label={title ?? t('json.title')}
        spellCheck={false}
      />
    </Modal>
  );
}
