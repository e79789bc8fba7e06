import type { RegisteredStep, StepRecord } from '@tempo/contracts';

/** A built-in registered in the server process, with the tenant's steps bound to it. */
export type RegisteredStepRow = {
  readonly kind: 'registered';
  readonly builtin: RegisteredStep;
  readonly steps: readonly StepRecord[];
};

/** A step whose runtime or built-in no longer resolves: kept visible so it can be fixed or deleted. */
export type DanglingStepRow = { readonly kind: 'dangling'; readonly step: StepRecord };

export type BuiltinCardRow = RegisteredStepRow | DanglingStepRow;

/** The built-in identifier a step's configuration names, if it is a built-in step. */
export const builtinIdentifier = (step: StepRecord): string | null => {
  const config = step.runtimeConfig;
  if (!config) return null;
  return config.runtimeKey === 'Builtin.Class' ||
    config.runtimeKey === 'Builtin.Method' ||
    config.runtimeKey === 'Builtin.Unknown'
    ? config.identifier
    : null;
};

const needsReconciling = (step: StepRecord): boolean =>
  step.runtimeBindingState === 'Orphaned' ||
  step.runtimeBindingState === 'Ambiguous' ||
  step.runtimeKey === 'Builtin.Unknown';

/**
 * The rows of the "Registered steps" card: every registered built-in with the steps bound to it
 * (same identifier and runtime key, visible to the tenant), then every step whose binding no
 * longer resolves (an orphaned or ambiguous step, or a legacy built-in awaiting reconciliation).
 */
export const builtinCardRows = (
  registered: readonly RegisteredStep[],
  steps: readonly StepRecord[],
  tenantId: string,
): BuiltinCardRow[] => {
  const visible = registered.filter(
    (builtin) => builtin.tenantId === 'global' || builtin.tenantId === tenantId,
  );
  const rows: BuiltinCardRow[] = visible.map((builtin) => ({
    kind: 'registered',
    builtin,
    steps: steps.filter(
      (step) =>
        step.runtimeKey === builtin.runtimeKey &&
        builtinIdentifier(step) === builtin.identifier &&
        step.runtimeBindingState === 'Resolved',
    ),
  }));
  for (const step of steps) if (needsReconciling(step)) rows.push({ kind: 'dangling', step });
  return rows;
};
