'use strict';
// The JavaScript SDK's test app: one handler whose `data.action` picks the feature to exercise.
// It runs under the engine's Artifact.JavaScript shim (export `run`) and as its own protocol v1
// process through TempoStepHost (run as the main module), one-shot or persistent.
const sdk = require('@tempo/sdk');

const {
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

/** Every export, used once, with what it gave: the engine-side proof that the surface works. */
const surface = (request) => {
  const copy = StepRequest.fromJson(StepRequest.fromObject(request).toJson());
  const snake = new StepRequest({
    data_flow_id: 'flow_snake',
    request_id: 'req_snake',
    previous_result: 'Error',
  });
  const built = StepResult.fromJson(new StepResult({ result: 'Error', exceptionMessage: 'x' }).toJson());
  const correlated = correlateResult(new StepResult({ dataFlowId: 'flow_other' }), request);
  const logger = new TempoStepLogger((level, lines) => collected.push(`${level}:${lines.join('|')}`));
  const collected = [];
  logger.info('one', { two: 2 });
  return {
    V1,
    CURRENT,
    SUPPORTED,
    PROTOCOL_VERSION_ENV,
    SUPPORTED_PROTOCOL_VERSIONS_ENV,
    resultTypes: Object.values(StepResultType),
    sameRequest: copy.requestId === request.requestId && copy.dataFlowId === request.dataFlowId,
    snake: [snake.dataFlowId, snake.requestId, snake.previousResult],
    builtResult: [built.result, built.exception],
    correlated: correlated.dataFlowId === request.dataFlowId && correlated.requestId === request.requestId,
    normalized: normalizeProtocolVersion(' 1.0 '),
    supported: [isSupportedProtocolVersion(''), isSupportedProtocolVersion('2.0')],
    helpers: [
      success(request, 1).result,
      error(request, 2).result,
      exceptionResult(request, new Error('e')).exception,
    ],
    marked: run.__tempoStep === true,
    protocolEnvironment: supportedProtocolEnvironment(),
    environmentLogger: createLoggerFromEnvironment() instanceof TempoStepLogger,
    collected,
    serialized: JSON.parse(TempoStepHost.serializeResult(success(request, 'x'))).data,
    deserialized: TempoStepHost.deserializeRequest('{"dataFlowId":"flow_d","requestId":"req_d"}').dataFlowId,
  };
};

const actions = {
  context: () => {
    const context = getCurrentExecutionContext();
    const { logger, ...ids } = context;
    return { ...ids, hasLogger: logger instanceof TempoStepLogger };
  },
  log: (request) => {
    const { logger } = getCurrentExecutionContext();
    const tag = request.data.tag;
    logger.debug(`sdk debug ${tag}`);
    logger.info(`sdk info ${tag}`, { n: 1 });
    logger.warn(`sdk warn ${tag}`);
    logger.error(`sdk error ${tag}`);
    console.log(`console log ${tag}`);
    console.warn(`console warn ${tag}`);
    console.error(`console error ${tag}`);
    process.stdout.write(`stdout write ${tag}\n`);
    return { logged: tag };
  },
  // `nextAction` names the action of the step a failure transition leads to (it reads this output).
  error: (request) =>
    error(request, {
      reason: 'business rule',
      input: request.data.value,
      ...(request.data.nextAction ? { action: request.data.nextAction } : {}),
    }),
  exception: () => {
    throw new Error('handler failed on purpose');
  },
  // A payload of `size` characters for the next step to echo: bigger than a trigger body may be.
  large: (request) => ({ action: 'echo', payload: `${'x'.repeat(request.data.size)}✓` }),
  echo: (request) => ({ echoed: request.data.payload, length: String(request.data.payload ?? '').length }),
  binary: (request) => {
    const bytes = Buffer.from(request.data.base64, 'base64');
    return { base64: Buffer.from(bytes.map((byte) => 255 - byte)).toString('base64'), size: bytes.length };
  },
  previous: (request) => success(request, { previousResult: request.previousResult }, { from: 'previous' }),
  pid: () => ({ pid: process.pid }),
  surface,
};

const run = step(async (request) => {
  const action = actions[request.data?.action];
  if (!action) return error(request, { reason: `unknown action ${request.data?.action}` });
  return action(request);
});

module.exports = { run };

if (require.main === module) TempoStepHost.run(run).then((code) => process.exit(code));
