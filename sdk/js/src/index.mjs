// ESM entry of the Tempo JavaScript SDK: the CommonJS build's exports, by name.
import sdk from './index.js';

export const {
  V1,
  CURRENT,
  SUPPORTED,
  PROTOCOL_VERSION_ENV,
  SUPPORTED_PROTOCOL_VERSIONS_ENV,
  StepResultType,
  StepRequest,
  StepResult,
  TempoStepLogger,
  TempoStepHost,
  normalizeProtocolVersion,
  isSupportedProtocolVersion,
  correlateResult,
  success,
  error,
  exceptionResult,
  step,
  supportedProtocolEnvironment,
  createLoggerFromEnvironment,
  getCurrentExecutionContext,
} = sdk;
export default sdk;
