'use strict';
const { createInterface } = require('node:readline');
const { contextOf, getCurrentExecutionContext, withContext } = require('./context.js');
const { redirectConsole } = require('./console-redirect.js');
const { TempoStepLogger, createLoggerFromEnvironment } = require('./logger.js');
const { StepRequest, StepResult, correlateResult, exceptionResult, success } = require('./models.js');
const { CURRENT, PERSISTENT_PROTOCOL_ENV, RUN_LOG_FILE_ENV } = require('./protocol.js');

/** The persistent-mode accept line (protocol v1 persistent mode, step 2). */
const READY_LINE = `${JSON.stringify({ type: 'ready', protocolVersion: CURRENT, mode: 'persistent' })}\n`;

/** A handler's return value as a correlated StepResult: anything but a StepResult is Success data. */
const resultOf = (request, value) =>
  value instanceof StepResult
    ? correlateResult(value, request)
    : success(request, value === undefined ? null : value);

/** Calls `handler` in the ambient context of `request`; every failure becomes an Exception result. */
const invoke = async (handler, request, env, logger) => {
  try {
    const value = await withContext(contextOf(request, env, logger), () => handler(request));
    return resultOf(request, value);
  } catch (failure) {
    return exceptionResult(request, failure);
  }
};

/** Compact JSON of `result`; a result that is not JSON becomes an Exception result. */
const serializeResult = (result) => {
  try {
    return StepResult.fromObject(result).toJson();
  } catch (failure) {
    return exceptionResult(
      result,
      new Error(`handler result is not JSON-serialisable: ${failure.message}`),
    ).toJson();
  }
};

const readAll = async (input) => {
  if (typeof input === 'string') return input;
  let text = '';
  input.setEncoding?.('utf8');
  for await (const chunk of input) text += chunk;
  return text;
};

/** Writes through the stream's own write (kept before any redirection) and waits until it is handed over. */
const writerFor = (output) => {
  const write = output.write.bind(output);
  return (text) =>
    new Promise((resolve, reject) => write(text, (failure) => (failure ? reject(failure) : resolve())));
};

/** v1 one-shot: the whole input is one request; one result goes out, without a newline. */
const runOnce = async (handler, input, send, env) => {
  let request = null;
  let result;
  const logger = createLoggerFromEnvironment(env);
  // Without a run-log file, printed text goes to stderr, which the host captures: never stdout.
  const restore = redirectConsole(logger);
  try {
    const text = await readAll(input);
    request = StepRequest.fromJson(text.trim() === '' ? '{}' : text);
    result = await invoke(handler, request, env, logger);
  } catch (failure) {
    result = exceptionResult(request, failure);
  } finally {
    restore();
  }
  await send(serializeResult(result));
  return 0;
};

/** Sets an invocation's variables and returns the function that restores what was there. */
const applyEnvironment = (env, environment) => {
  const saved = new Map();
  if (environment && typeof environment === 'object' && !Array.isArray(environment)) {
    for (const [name, value] of Object.entries(environment)) {
      saved.set(name, env[name]);
      env[name] = String(value);
    }
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
  };
};

/** One invoke line in, its result frame out. A line that is not an invoke frame gets an Exception result. */
const serveLine = async (handler, line, env, logger) => {
  let frame;
  try {
    frame = JSON.parse(line);
  } catch (failure) {
    return exceptionResult(null, new Error(`bad invoke line: ${failure.message}`));
  }
  if (frame === null || typeof frame !== 'object' || frame.type !== 'invoke')
    return exceptionResult(null, new Error('bad invoke line: not an invoke frame.'));
  const restoreEnvironment = applyEnvironment(env, frame.environment);
  try {
    return await invoke(handler, StepRequest.fromObject(frame.request ?? {}), env, logger);
  } catch (failure) {
    return exceptionResult(null, failure);
  } finally {
    restoreEnvironment();
  }
};

/**
 * Persistent mode: the ready line, then one invoke line in and its log and result lines out,
 * one invocation at a time, until the input ends.
 */
const serve = async (handler, input, send, env) => {
  await send(READY_LINE);
  const logger = new TempoStepLogger((level, lines) => {
    // Log frames go out in order with the result because every write goes through one stream.
    send(lines.map((text) => `${JSON.stringify({ type: 'log', level, text })}\n`).join(''));
  });
  const restore = redirectConsole(logger);
  try {
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const result = await serveLine(handler, line, env, logger);
      await send(`{"type":"result","result":${serializeResult(result)}}\n`);
    }
  } finally {
    restore();
  }
  return 0;
};

/** Runs step handlers as protocol v1 processes. */
// biome-ignore lint/complexity/noStaticOnlyClass: the SDK surface is TempoStepHost.run in all three languages.
class TempoStepHost {
  /**
   * Runs `handler` over stdin/stdout (or `options.input`/`options.output`) and resolves to the
   * exit code, always 0: every failure is written as a result. With
   * `TEMPO_PERSISTENT_PROTOCOL=1` it serves invocations until its input ends.
   */
  static async run(handler, options = {}) {
    if (typeof handler !== 'function') throw new TypeError('TempoStepHost.run needs a handler function.');
    const env = options.env ?? process.env;
    const input = options.input ?? process.stdin;
    const send = writerFor(options.output ?? process.stdout);
    // A persistent child has no run-log file of its own: its logs travel as frames.
    if (env[PERSISTENT_PROTOCOL_ENV] === '1') return serve(handler, input, send, env);
    return runOnce(handler, input, send, env);
  }

  /** Reads a request from JSON text. */
  static deserializeRequest(text) {
    return StepRequest.fromJson(text);
  }

  /** Writes a result as compact JSON. */
  static serializeResult(result) {
    return serializeResult(result);
  }
}

/** A logger for a handler called without this host (by the engine's own shim). */
const shimLogger = (env) =>
  env[RUN_LOG_FILE_ENV]
    ? createLoggerFromEnvironment(env)
    : // The shim redirects the console (to stderr, or to log frames in persistent mode).
      new TempoStepLogger((level, lines) => {
        const method = { DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' }[level];
        for (const line of lines) console[method](line);
      });

/**
 * Marks `fn` as a Tempo step handler and returns a handler that also works when the engine's
 * own shim calls it (an `Artifact.JavaScript` entrypoint): it reads the plain request object,
 * installs the execution context the SDK host would, and always returns a StepResult.
 */
const step = (fn) => {
  if (typeof fn !== 'function') throw new TypeError('step() needs a handler function.');
  fn.__tempoStep = true;
  const handler = async (request) => {
    if (getCurrentExecutionContext()) return fn(request);
    const parsed = StepRequest.fromObject(request);
    return invoke(fn, parsed, process.env, shimLogger(process.env));
  };
  handler.__tempoStep = true;
  return handler;
};

module.exports = { TempoStepHost, step };
