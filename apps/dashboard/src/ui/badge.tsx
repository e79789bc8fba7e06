/** Colour of a {@link Badge}. */
export type BadgeTone = 'neutral' | 'good' | 'warn' | 'bad' | 'info';

/** A short coloured word: a state, a flag, a runtime's availability. */
export function Badge({
  text,
  tone = 'neutral',
  hint,
}: {
  readonly text: string;
  readonly tone?: BadgeTone;
  readonly hint?: string;
}) {
  return (
    <span className={`ui-badge ui-badge-${tone}`} title={hint ?? text}>
      {text}
    </span>
  );
}
