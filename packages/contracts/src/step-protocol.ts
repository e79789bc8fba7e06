import { z } from 'zod';
import { StepResultType } from './enums.ts';

/**
 * Protocol v1: the one JSON document a handler process reads from stdin. The handler answers
 * with one StepResult document on stdout; the host reads that leniently (names in any case, a
 * missing result as `Success`), so its shape is the host's parser, not a schema.
 */
export const StepProtocolRequest = z.object({
  protocolVersion: z.string(),
  tenantId: z.string(),
  dataFlowId: z.string(),
  flowRunId: z.string(),
  stepRunId: z.string(),
  /** Same as `flowRunId`. */
  requestId: z.string(),
  /** The previous step's output (the run's input for the first step). */
  data: z.unknown(),
  metadata: z.unknown(),
  /** Result of the step before, or null for the first. */
  previousResult: StepResultType.nullable(),
});
export type StepProtocolRequest = z.infer<typeof StepProtocolRequest>;
