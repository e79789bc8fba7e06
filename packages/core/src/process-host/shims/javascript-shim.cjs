// Tempo protocol v1 shim for Artifact.JavaScript: calls an exported function of a module in the
// artifact. Usage: node __tempo_javascript_shim.cjs <module> <function> [arguments...]
// A returned object with a string `result` is a StepResult (its ids are re-correlated); any other
// value is wrapped as Success. stdout carries only the result: console output goes to the run log
// file when there is one, otherwise to stderr. With TEMPO_PERSISTENT_PROTOCOL=1 it speaks
// persistent mode: the module is loaded once and serves one invoke line after another, console
// output sent as log frames (docs/runtimes.md).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { inspect } = require('node:util');

const CORRELATION = ['protocolVersion', 'tenantId', 'dataFlowId', 'flowRunId', 'stepRunId', 'requestId'];

const correlate = (request, result) => {
  for (const field of CORRELATION)
    result[field] = request[field] ?? (field === 'protocolVersion' ? '1.0' : null);
  return result;
};

// Kept before the console is redirected: after that, process.stdout.write goes to the log.
const protocolWrite = process.stdout.write.bind(process.stdout);
const writeProtocol = (text) => new Promise((resolve) => protocolWrite(text, resolve));

const redirectConsole = () => {
  const logFile = process.env.TEMPO_RUN_LOG_FILE;
  const write = logFile
    ? (level, text) => {
        fs.mkdirSync(path.dirname(path.resolve(logFile)), { recursive: true });
        const stamp = new Date().toISOString();
        const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
        fs.appendFileSync(logFile, lines.map((line) => `${stamp} [${level}] ${line}\n`).join(''));
      }
    : (_level, text) => {
        fs.writeSync(2, `${text}\n`);
      };
  const format = (args) => args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' ');
  console.log = (...args) => write('INFO', format(args));
  console.info = (...args) => write('INFO', format(args));
  console.debug = (...args) => write('DEBUG', format(args));
  console.warn = (...args) => write('WARN', format(args));
  console.error = (...args) => write('ERROR', format(args));
  process.stdout.write = (chunk) => {
    write('INFO', String(chunk));
    return true;
  };
  if (logFile) {
    process.stderr.write = (chunk) => {
      write('ERROR', String(chunk));
      return true;
    };
  }
};

const loadModule = async (root, modulePath) => {
  const resolved = path.resolve(root, modulePath);
  const relative = path.relative(root, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative))
    throw new Error('module escaped artifact root.');
  try {
    return require(resolved);
  } catch (error) {
    if (error && error.code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(resolved).href);
    throw error;
  }
};

const findFunction = (mod, name) => {
  if (mod && typeof mod[name] === 'function') return mod[name];
  if (mod?.default && typeof mod.default[name] === 'function') return mod.default[name];
  if (name === 'default' && mod && typeof mod.default === 'function') return mod.default;
  throw new Error(`function not found: ${name}`);
};

/** A handler's return value as a StepResult: an object with a string `result` is one already. */
const asResult = (request, value) =>
  value && typeof value === 'object' && typeof value.result === 'string'
    ? correlate(request, { ...value })
    : correlate(request, {
        result: 'Success',
        data: value === undefined ? null : value,
        metadata: request.metadata ?? null,
      });

const exceptionOf = (request, error) =>
  correlate(request, {
    result: 'Exception',
    data: null,
    exception: error instanceof Error ? error.message : String(error),
    metadata: { stack: error instanceof Error ? error.stack : null },
  });

/** The result as JSON text, through `wrap`; a result that is not JSON becomes an Exception. */
const serialise = (request, result, wrap) => {
  try {
    return wrap(JSON.stringify(result));
  } catch (error) {
    return wrap(
      JSON.stringify(
        correlate(request, {
          result: 'Exception',
          data: null,
          exception: `handler result is not JSON-serialisable: ${error.message}`,
        }),
      ),
    );
  }
};

const main = async () => {
  const [modulePath, functionName = 'run'] = process.argv.slice(2);
  let request = {};
  let result;
  try {
    const raw = fs.readFileSync(0, 'utf8');
    request = JSON.parse(raw || '{}');
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      request = {};
      throw new Error('the step request is not a JSON object');
    }
    redirectConsole();
    const root = process.env.TEMPO_ARTIFACT_ROOT || process.cwd();
    const handler = findFunction(await loadModule(root, modulePath), functionName);
    result = asResult(request, await handler(request));
  } catch (error) {
    result = exceptionOf(request, error);
  }
  await writeProtocol(serialise(request, result, (text) => text));
};

/** Persistent mode: console output becomes log frames on protocol stdout. */
const redirectToFrames = () => {
  const send = (level, text) => {
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    if (lines.length === 0) return;
    protocolWrite(lines.map((line) => `${JSON.stringify({ type: 'log', level, text: line })}\n`).join(''));
  };
  const format = (args) => args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' ');
  for (const [name, level] of [
    ['log', 'INFO'],
    ['info', 'INFO'],
    ['debug', 'DEBUG'],
    ['warn', 'WARN'],
    ['error', 'ERROR'],
  ])
    console[name] = (...args) => send(level, format(args));
  process.stdout.write = (chunk) => {
    send('INFO', String(chunk));
    return true;
  };
  process.stderr.write = (chunk) => {
    send('ERROR', String(chunk));
    return true;
  };
};

/** One invoke frame: its variables set for the call and removed after it, the handler called. */
const invokeOnce = async (frame, load, functionName) => {
  const request =
    frame && typeof frame.request === 'object' && frame.request !== null && !Array.isArray(frame.request)
      ? frame.request
      : {};
  const environment =
    frame && typeof frame.environment === 'object' && frame.environment ? frame.environment : {};
  const saved = new Map();
  let result;
  try {
    for (const [name, value] of Object.entries(environment)) {
      saved.set(name, process.env[name]);
      process.env[name] = String(value);
    }
    const handler = findFunction(await load(), functionName);
    result = asResult(request, await handler(request));
  } catch (error) {
    result = exceptionOf(request, error);
  } finally {
    // The next invocation must not see this one's variables.
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return serialise(request, result, (text) => `{"type":"result","result":${text}}\n`);
};

const serve = () => {
  const [modulePath, functionName = 'run'] = process.argv.slice(2);
  const root = process.env.TEMPO_ARTIFACT_ROOT || process.cwd();
  let loaded = null;
  // Loaded once per process; a failed load is tried again by the next invocation.
  const load = () => {
    loaded ??= loadModule(root, modulePath).catch((error) => {
      loaded = null;
      throw error;
    });
    return loaded;
  };
  protocolWrite('{"type":"ready","protocolVersion":"1.0","mode":"persistent"}\n');
  redirectToFrames();
  let buffered = '';
  let queue = Promise.resolve();
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      if (line.trim() === '') continue;
      queue = queue.then(async () => {
        let frame;
        try {
          frame = JSON.parse(line);
        } catch (error) {
          await writeProtocol(
            serialise({}, exceptionOf({}, error), (text) => `{"type":"result","result":${text}}\n`),
          );
          return;
        }
        await writeProtocol(await invokeOnce(frame, load, functionName));
      });
    }
  });
  process.stdin.on('end', () => {
    queue.then(() => process.exit(0));
  });
};

if (process.env.TEMPO_PERSISTENT_PROTOCOL === '1') serve();
else
  main().then(
    () => process.exit(0),
    (error) => {
      fs.writeSync(2, `${error?.stack ? error.stack : error}\n`);
      process.exit(1);
    },
  );
