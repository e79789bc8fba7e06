'use strict';
const { AsyncLocalStorage } = require('node:async_hooks');

const ambient = new AsyncLocalStorage();

/** The execution context of a request: its ids, the host's variables and the step's logger. */
const contextOf = (request, env, logger) =>
  Object.freeze({
    tenantId: request.tenantId,
    dataFlowId: request.dataFlowId,
    flowRunId: request.flowRunId,
    runAssignmentId: env.TEMPO_RUN_ASSIGNMENT_ID || null,
    stepId: env.TEMPO_STEP_ID || null,
    stepRunId: request.stepRunId,
    requestId: request.requestId,
    workerId: env.TEMPO_WORKER_ID || null,
    logger,
  });

/** Runs `fn` with `context` as the ambient one (it follows awaits and callbacks). */
const withContext = (context, fn) => ambient.run(context, fn);

/** The context of the step running on this async path, or null outside one. */
const getCurrentExecutionContext = () => ambient.getStore() ?? null;

module.exports = { contextOf, withContext, getCurrentExecutionContext };
