import { type AssignFrame, AssignRejection, type WorkerCapability } from '@tempo/contracts';
import { capabilitiesSatisfy } from '@tempo/core/execution-plan';

/** What a worker knows when an `assign` arrives. */
export interface AssignmentContext {
  /** The session of this connection; null before `hello-ack`. */
  readonly workerSessionId: string | null;
  readonly draining: boolean;
  readonly capabilities: readonly WorkerCapability[];
  readonly activeRuns: number;
  readonly maxConcurrentRuns: number;
}

/**
 * Why this worker refuses an assignment, or null to take it: the checks of spec §4.4 in their
 * order (session, drain, capabilities, concurrency), each with its spec message.
 */
export const assignmentRejection = (context: AssignmentContext, frame: AssignFrame): string | null => {
  if (context.workerSessionId === null || frame.assignment.workerSessionId !== context.workerSessionId)
    return AssignRejection.wrongSession;
  if (context.draining) return AssignRejection.draining;
  if (!capabilitiesSatisfy(context.capabilities, frame.plan.requiredCapabilities))
    return AssignRejection.missingCapability;
  if (context.activeRuns >= context.maxConcurrentRuns) return AssignRejection.atCapacity;
  return null;
};
