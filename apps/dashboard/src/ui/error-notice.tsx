import { useTranslation } from 'react-i18next';
import { errorText } from './error-text.ts';

/** Props of {@link ErrorNotice}. */
export interface ErrorNoticeProps {
  /** What a call threw; nothing is shown when it is null or undefined. */
  readonly error: unknown;
  /** Offered as a "Dismiss" button when given. */
  readonly onDismiss?: () => void;
}

/** An API failure shown with its stable code and message, announced to screen readers. */
export function ErrorNotice({ error, onDismiss }: ErrorNoticeProps) {
  const { t } = useTranslation('ui');
  if (error === null || error === undefined) return null;
  const { code, message, details } = errorText(error);
  return (
    <div className="ui-error" role="alert">
      <strong>{t('error.title')}</strong>
      {code ? (
        <code className="ui-error-code" title={t('error.codeTitle')}>
          {code}
        </code>
      ) : null}
      <span className="ui-error-message">{message}</span>
      {details ? <span className="ui-error-details">{details}</span> : null}
      {onDismiss ? (
        <button
          type="button"
          className="ui-button ui-button-small"
          title={t('error.dismiss')}
          onClick={onDismiss}
        >
          {t('error.dismiss')}
        </button>
      ) : null}
    </div>
  );
}
