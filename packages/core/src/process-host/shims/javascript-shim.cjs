// Tempo protocol v1 shim for Artifact.JavaScript: calls an exported function of a module in the
// artifact. Usage: node __tempo_javascript_shim.cjs <module> <function> [arguments...]
// A returned object with a string `result` is a StepResult (its ids are re-correlated); any other
// value is wrapped as Success. stdout carries only the result: console output goes to the run log
// file when there is one, otherwise to stderr.
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
    const value = await handler(request);
    result =
      value && typeof value === 'object' && typeof value.result === 'string'
        ? correlate(request, { ...value })
        : correlate(request, {
            result: 'Success',
            data: value === undefined ? null : value,
            metadata: request.metadata ?? null,
          });
  } catch (error) {
    result = correlate(request, {
      result: 'Exception',
      data: null,
      exception: error instanceof Error ? error.message : String(error),
      metadata: { stack: error instanceof Error ? error.stack : null },
    });
  }
  let text;
  try {
    text = JSON.stringify(result);
  } catch (error) {
    text = JSON.stringify(
      correlate(request, {
        result: 'Exception',
        data: null,
        exception: `handler result is not JSON-serialisable: ${error.message}`,
      }),
    );
  }
  await writeProtocol(text);
};

main().then(
  () => process.exit(0),
  (error) => {
    fs.writeSync(2, `${error?.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
