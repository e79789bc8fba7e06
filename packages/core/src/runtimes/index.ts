/** Runtimes: the built-in step registry, the runtime catalog and the step protocol types. */
export {
  type BuiltinStepDefinition,
  type BuiltinStepRegistration,
  BuiltinStepRegistry,
  GLOBAL_TENANT,
} from './builtin-registry.ts';
export { commandAnswers, probeRuntimeCatalog } from './runtime-catalog.ts';
export { RUNTIME_DESCRIPTIONS } from './runtime-descriptions.ts';
export type { StepRequest, StepResult } from './step-protocol.ts';
