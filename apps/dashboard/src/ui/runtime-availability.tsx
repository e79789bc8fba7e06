import type { StepRuntimeAvailabilityState } from '@tempo/contracts';
import { useTranslation } from 'react-i18next';
import { Badge, type BadgeTone } from './badge.tsx';

const TONES: Readonly<Record<StepRuntimeAvailabilityState, BadgeTone>> = {
  Available: 'good',
  Preview: 'info',
  DisabledBySettings: 'warn',
  MissingDependency: 'bad',
  UnsupportedPlatform: 'bad',
};

/** A runtime's availability as a badge whose hover text says why it is not available. */
export function RuntimeAvailability({ state }: { readonly state: StepRuntimeAvailabilityState }) {
  const { t } = useTranslation('ui');
  return (
    <Badge
      text={t(`availability.${state}.label`)}
      tone={TONES[state]}
      hint={t(`availability.${state}.why`)}
    />
  );
}

/** The sentence saying why a runtime is in `state`, for tables that show it in full. */
export const useAvailabilityReason = () => {
  const { t } = useTranslation('ui');
  return (state: StepRuntimeAvailabilityState): string => t(`availability.${state}.why`);
};
