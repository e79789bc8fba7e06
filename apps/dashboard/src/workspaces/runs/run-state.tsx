import type { FlowRunState } from '@tempo/contracts';
import { useTranslation } from 'react-i18next';
import { Badge, type BadgeTone } from '../../ui/index.ts';

const TONES: Readonly<Record<FlowRunState, BadgeTone>> = {
  Queued: 'info',
  Running: 'info',
  Succeeded: 'good',
  Failed: 'bad',
  Exception: 'bad',
  Cancelled: 'warn',
};

/** A run's state as a coloured badge. */
export function RunStateBadge({ state }: { readonly state: FlowRunState }) {
  const { t } = useTranslation('runs');
  return <Badge text={t(`state.${state}`)} tone={TONES[state]} />;
}

/** Whether a run has finished (and may be deleted). */
export const isFinished = (state: FlowRunState): boolean => state !== 'Queued' && state !== 'Running';

/** Milliseconds between start and completion, or null while either is missing. */
export const runtimeMsOf = (startedUtc: string | null, completedUtc: string | null): number | null =>
  startedUtc && completedUtc ? Math.max(0, Date.parse(completedUtc) - Date.parse(startedUtc)) : null;

/** A stored payload as indented JSON when it parses, else as it is. */
export const prettyPayload = (text: string | null): string => {
  if (text === null) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};
