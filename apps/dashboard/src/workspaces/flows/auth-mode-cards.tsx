import { DataFlowInvocationAuthMode } from '@tempo/contracts';
import { useTranslation } from 'react-i18next';

/** The explicit choice of who may fire the flow: two radio cards, each saying what it means. */
export function AuthModeCards({
  value,
  onChange,
}: {
  readonly value: DataFlowInvocationAuthMode;
  readonly onChange: (value: DataFlowInvocationAuthMode) => void;
}) {
  const { t } = useTranslation('flows');
  return (
    <fieldset className="flow-auth-cards">
      <legend>{t('auth.legend')}</legend>
      {DataFlowInvocationAuthMode.options.map((mode) => (
        <label
          key={mode}
          className={mode === value ? 'flow-auth-card flow-auth-card-selected' : 'flow-auth-card'}
          title={t(`auth.${mode}.body`)}
        >
          <input
            type="radio"
            name="invocationAuthMode"
            value={mode}
            checked={mode === value}
            onChange={() => onChange(mode)}
          />
          <strong>{t(`auth.${mode}.title`)}</strong>
          <span>{t(`auth.${mode}.body`)}</span>
        </label>
      ))}
    </fieldset>
  );
}
