'use strict';
// The public surface of the Tempo JavaScript SDK (protocol v1 handler library).
const { getCurrentExecutionContext } = require('./context.js');
const { TempoStepHost, step } = require('./host.js');
const { TempoStepLogger, createLoggerFromEnvironment } = require('./logger.js');
const { StepRequest, StepResult, correlateResult, error, exceptionResult, success } = require('./models.js');
const {
  CURRENT,
  PROTOCOL_VERSION_ENV,
  SUPPORTED,
  SUPPORTED_PROTOCOL_VERSIONS_ENV,
  StepResultType,
  V1,
  isSupportedProtocolVersion,
  normalizeProtocolVersion,
  supportedProtocolEnvironment,
} = require('./protocol.js');

module.exports = {
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
};
