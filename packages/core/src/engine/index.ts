/** The flow engine: the run loop, step execution under time limits, and the in-process providers. */
export { builtinProvider } from './builtin-provider.ts';
export {
  type FlowDefinition,
  type FlowOutcome,
  type RunFlowOptions,
  runFlow,
  type StepRunReport,
} from './flow-engine.ts';
export { urlCredentialsProblem } from './outbound-text.ts';
export { type RestProviderOptions, restProvider, restRequestOf } from './rest-provider.ts';
export type {
  ArtifactPin,
  PinnedArtifact,
  ProviderOutcome,
  ResolvedStep,
  RuntimeProvider,
  RuntimeProviders,
  StepExecutionInfo,
  StepInvocation,
} from './runtime-provider.ts';
export { checkAgainstSchema } from './schema-check.ts';
export { utf8Prefix } from './step-data.ts';
