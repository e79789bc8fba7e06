import type { StepResultType } from '@tempo/contracts';

/** What a step receives: the previous step's output as `data`, with the run's identifiers. */
export interface StepRequest {
  readonly tenantId: string;
  readonly flowRunId: string;
  readonly stepRunId: string;
  /** Same as `flowRunId`. */
  readonly requestId: string;
  readonly data: unknown;
  readonly metadata: unknown;
  /** Result of the step before, or null for the first. */
  readonly previousResult: StepResultType | null;
}

/** What a step answers; `data` becomes the next step's input. */
export interface StepResult {
  readonly result: StepResultType;
  readonly data?: unknown;
  readonly metadata?: unknown;
  readonly errorMessage?: string | null;
}
