import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Props of {@link CopyButton}. */
export interface CopyButtonProps {
  /** The text put on the clipboard. */
  readonly value: string;
  /** What is copied, for the hover title and screen readers (translated). */
  readonly label?: string;
}

const COPIED_FEEDBACK_MS = 1500;

/** A small button that copies `value` and says so for a moment. */
export function CopyButton({ value, label }: CopyButtonProps) {
  const { t } = useTranslation('ui');
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), COPIED_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  const title = label ? t('copy.copyWhat', { what: label }) : t('copy.copy');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // A page without clipboard permission (plain http, headless) still selects nothing; say nothing.
      setCopied(false);
    }
  };
  return (
    <button
      type="button"
      className="ui-button ui-button-small ui-copy"
      title={title}
      aria-label={title}
      onClick={copy}
    >
      {copied ? t('copy.copied') : t('copy.copy')}
    </button>
  );
}

/** Props of {@link CopyableId}. */
export interface CopyableIdProps {
  /** The id shown in monospace and copied. */
  readonly id: string;
}

/** A record id in monospace with its copy button. */
export function CopyableId({ id }: CopyableIdProps) {
  const { t } = useTranslation('ui');
  return (
    <span className="ui-copyable-id">
      <code title={id}>{id}</code>
      <CopyButton value={id} label={t('copy.id')} />
    </span>
  );
}
