'use strict';
const { inspect } = require('node:util');

const CONSOLE_LEVELS = [
  ['log', 'info'],
  ['info', 'info'],
  ['debug', 'debug'],
  ['warn', 'warn'],
  ['error', 'error'],
];

const chunkText = (chunk, encoding) =>
  typeof chunk === 'string'
    ? chunk
    : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');

/**
 * Sends console output and direct stdout/stderr writes to `logger` (stdout is the protocol's),
 * and returns the function that puts them back. console.log/info → INFO, warn → WARN,
 * error → ERROR, debug → DEBUG, process.stdout.write → INFO, process.stderr.write → ERROR.
 */
const redirectConsole = (logger) => {
  const saved = {
    console: Object.fromEntries(CONSOLE_LEVELS.map(([name]) => [name, console[name]])),
    stdout: process.stdout.write,
    stderr: process.stderr.write,
  };
  const format = (args) => args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' ');
  for (const [name, level] of CONSOLE_LEVELS) console[name] = (...args) => logger[level](format(args));
  const writer = (level) => (chunk, encoding, callback) => {
    logger[level](chunkText(chunk, encoding));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  };
  process.stdout.write = writer('info');
  process.stderr.write = writer('error');
  return () => {
    for (const [name] of CONSOLE_LEVELS) console[name] = saved.console[name];
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
  };
};

module.exports = { redirectConsole };
