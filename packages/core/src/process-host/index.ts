/**
 * The protocol v1 process host: handler processes with limits, a clean environment and a scratch
 * folder, one per call or warm (persistent mode).
 */
export {
  type CapacityLease,
  CapacityLimiter,
  type CapacityLimits,
  type CapacitySnapshot,
} from './capacity-limiter.ts';
export { type ChildProcessOutcome, type ChildProcessSpec, runChildProcess } from './child-process-run.ts';
export {
  buildHandlerEnvironment,
  type HandlerEnvironment,
  type HandlerEnvironmentOptions,
  redactSecrets,
} from './handler-environment.ts';
export type { HandlerLeftoverReport } from './handler-leftovers.ts';
export { LANGUAGE_SHIMS, type ShimLanguage } from './language-shims.ts';
export { PERSISTENT_PROTOCOL_VARIABLE } from './persistent-protocol.ts';
export {
  type CapacityReport,
  type HandlerHost,
  type HandlerHostStatus,
  type HandlerInvocation,
  type HandlerLaunch,
  type HandlerOutcome,
  ProcessHandlerHost,
  type ProcessHandlerHostOptions,
} from './process-handler-host.ts';
export {
  isSupportedProtocolVersion,
  normalizeProtocolVersion,
  type ParsedStepResult,
  PROTOCOL_VERSION,
  parseStepResult,
  SUPPORTED_PROTOCOL_VERSIONS,
} from './protocol-v1.ts';
export { safePathSegment } from './scratch-folder.ts';
export { serverFilePaths } from './server-file-hiding.ts';
export type { WarmPoolSnapshot } from './warm-pool.ts';
