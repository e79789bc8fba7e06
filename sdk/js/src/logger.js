'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { inspect } = require('node:util');
const { RUN_LOG_FILE_ENV } = require('./protocol.js');

/** Log levels as the run log writes them. */
const LEVELS = Object.freeze(['DEBUG', 'INFO', 'WARN', 'ERROR']);

/** One argument as log text: strings as they are, anything else as JSON (inspect if not JSON). */
const textOf = (value) => {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return inspect(value);
  }
};

/** The non-blank lines of `text`: one log line each. */
const linesOf = (text) => text.split(/\r?\n/).filter((line) => line.trim() !== '');

/** `{ISO UTC} [LEVEL] line\n` for each line, one timestamp for the lot. */
const fileLines = (level, lines) => {
  const stamp = new Date().toISOString();
  return lines.map((line) => `${stamp} [${level}] ${line}\n`).join('');
};

const fileSink = (file) => {
  let folderReady = false;
  return (level, lines) => {
    if (!folderReady) {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      folderReady = true;
    }
    fs.appendFileSync(file, fileLines(level, lines), 'utf8');
  };
};

const stderrSink = (level, lines) => {
  fs.writeSync(2, fileLines(level, lines));
};

/**
 * Writes a handler's diagnostics, never to protocol stdout. The target is a run-log file path,
 * a function `(level, lines)` (the persistent host sends log frames through one), or nothing
 * (stderr, which the host captures into the step's stderr log).
 */
class TempoStepLogger {
  constructor(target) {
    if (typeof target === 'function') this._sink = target;
    else if (typeof target === 'string' && target.trim() !== '') {
      this._sink = fileSink(target);
      this.file = target;
    } else this._sink = stderrSink;
    if (this.file === undefined) this.file = null;
  }

  /** Writes each non-blank line of the arguments (joined by spaces) at `level`. */
  write(level, ...args) {
    const wanted = String(level).toUpperCase();
    if (!LEVELS.includes(wanted)) throw new Error(`Unknown log level '${level}'.`);
    const lines = linesOf(args.map(textOf).join(' '));
    if (lines.length > 0) this._sink(wanted, lines);
  }

  /** Logs at DEBUG. */
  debug(...args) {
    this.write('DEBUG', ...args);
  }

  /** Logs at INFO. */
  info(...args) {
    this.write('INFO', ...args);
  }

  /** Logs at WARN. */
  warn(...args) {
    this.write('WARN', ...args);
  }

  /** Logs at ERROR. */
  error(...args) {
    this.write('ERROR', ...args);
  }
}

/** The logger the host's variables ask for: the run-log file, or stderr without one. */
const createLoggerFromEnvironment = (env = process.env) => new TempoStepLogger(env[RUN_LOG_FILE_ENV] || null);

module.exports = { LEVELS, TempoStepLogger, createLoggerFromEnvironment, textOf };
