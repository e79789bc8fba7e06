/**
 * Whole-run execution from a `FlowRunExecutionPlan`, shared by the server's pseudo-worker and
 * remote workers: plan → engine → completion, the capability check placement and workers use, and
 * the capabilities a runtime catalog advertises.
 */
export { advertisedCapabilities, CAPABILITY_SOURCE_KINDS } from './capability-advertisement.ts';
export { type ComparedCapability, capabilitiesSatisfy, capabilityCovers } from './capability-match.ts';
export {
  type ExecutePlanOptions,
  engineInputsOf,
  executePlan,
  type PlanEngineInputs,
  type PlanExecutor,
  taskTimeoutMessage,
} from './plan-execution.ts';
