import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';

interface FieldBase {
  /** The visible label (translated). */
  readonly label: string;
  /** Help shown on hover and under the field (translated). */
  readonly hint?: string;
  readonly disabled?: boolean;
  readonly required?: boolean;
}

/** Props of {@link TextField}. */
export interface TextFieldProps extends FieldBase {
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** `password`, `number`, `url` and so on; `multiline` gives a text area. */
  readonly type?: 'text' | 'password' | 'number' | 'url' | 'email' | 'multiline';
  /** Example value shown while empty (translated). */
  readonly placeholder?: string;
  /** Monospace text, for keys, ids and code. */
  readonly mono?: boolean;
  /** Rows of a text area. */
  readonly rows?: number;
}

function FieldFrame({
  id,
  label,
  hint,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className="ui-field">
      <label htmlFor={id} title={hint ?? label}>
        {label}
      </label>
      {children}
      {hint ? (
        <small id={`${id}-hint`} className="ui-field-hint">
          {hint}
        </small>
      ) : null}
    </div>
  );
}

/** A labelled text input or text area. */
export function TextField({
  label,
  hint,
  value,
  onChange,
  type = 'text',
  placeholder,
  mono,
  rows = 4,
  disabled,
  required,
}: TextFieldProps) {
  const id = useId();
  const shared = {
    id,
    value,
    disabled,
    required,
    placeholder,
    title: hint ?? label,
    className: mono ? 'ui-input ui-mono' : 'ui-input',
    'aria-describedby': hint ? `${id}-hint` : undefined,
  };
  return (
    <FieldFrame id={id} label={label} hint={hint}>
      {type === 'multiline' ? (
        <textarea {...shared} rows={rows} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input {...shared} type={type} onChange={(event) => onChange(event.target.value)} />
      )}
    </FieldFrame>
  );
}

/** One choice of a {@link SelectField}. */
export interface SelectOption {
  readonly value: string;
  /** Shown text (translated, or a product word such as a runtime key). */
  readonly label: string;
  readonly disabled?: boolean;
}

/** Props of {@link SelectField}. */
export interface SelectFieldProps extends FieldBase {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly options: readonly SelectOption[];
}

/** A labelled drop-down list. */
export function SelectField({ label, hint, value, onChange, options, disabled, required }: SelectFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint}>
      <select
        id={id}
        className="ui-input"
        value={value}
        disabled={disabled}
        required={required}
        title={hint ?? label}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.target.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** Props of {@link Toggle}. */
export interface ToggleProps {
  readonly label: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly hint?: string;
  readonly disabled?: boolean;
}

/** A labelled on/off switch (a checkbox underneath, so it is keyboard reachable). */
export function Toggle({ label, checked, onChange, hint, disabled }: ToggleProps) {
  return (
    <label className="ui-toggle" title={hint ?? label}>
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.target.checked)}
      />
      <span>{label}</span>
    </label>
  );
}

/** Whether `text` is empty or parses as JSON. */
export const isJsonText = (text: string): boolean => {
  if (text.trim() === '') return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Props of {@link JsonField}. */
export interface JsonFieldProps extends FieldBase {
  /** The JSON text as typed. */
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly rows?: number;
}

/** A text area for JSON that says when its text does not parse. */
export function JsonField({ label, hint, value, onChange, rows = 8, disabled, required }: JsonFieldProps) {
  const { t } = useTranslation('ui');
  const id = useId();
  const valid = isJsonText(value);
  return (
    <FieldFrame id={id} label={label} hint={hint}>
      <textarea
        id={id}
        className={valid ? 'ui-input ui-mono' : 'ui-input ui-mono ui-invalid'}
        rows={rows}
        value={value}
        disabled={disabled}
        required={required}
        spellCheck={false}
        title={hint ?? label}
        aria-invalid={!valid}
        onChange={(event) => onChange(event.target.value)}
      />
      {valid ? null : <small className="ui-field-error">{t('json.invalid')}</small>}
    </FieldFrame>
  );
}
