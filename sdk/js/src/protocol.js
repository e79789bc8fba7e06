'use strict';
const { randomInt } = require('node:crypto');

/** Protocol version 1.0. */
const V1 = '1.0';
/** The version this SDK writes. */
const CURRENT = V1;
/** Every version this SDK accepts. */
const SUPPORTED = Object.freeze([V1]);
/** Variable holding the version the host sent (a hint; the request is authoritative). */
const PROTOCOL_VERSION_ENV = 'TEMPO_PROTOCOL_VERSION';
/** Variable holding the comma-separated versions the host supports. */
const SUPPORTED_PROTOCOL_VERSIONS_ENV = 'TEMPO_SUPPORTED_PROTOCOL_VERSIONS';
/** Variable naming the step's run-log file (one-shot mode only). */
const RUN_LOG_FILE_ENV = 'TEMPO_RUN_LOG_FILE';
/** Variable with which a host offers persistent mode. */
const PERSISTENT_PROTOCOL_ENV = 'TEMPO_PERSISTENT_PROTOCOL';

/** How a step ended; the wire carries these names. */
const StepResultType = Object.freeze({
  Success: 'Success',
  Timeout: 'Timeout',
  Error: 'Error',
  Exception: 'Exception',
  MaxIterationsExceeded: 'MaxIterationsExceeded',
});

const trimmedOrCurrent = (version) => {
  const text = version === undefined || version === null ? '' : String(version).trim();
  return text === '' ? CURRENT : text;
};

/** Whether this SDK speaks `version` (blank means current; case-insensitive). */
const isSupportedProtocolVersion = (version) => {
  const wanted = trimmedOrCurrent(version).toLowerCase();
  return SUPPORTED.some((known) => known.toLowerCase() === wanted);
};

/** The supported spelling of `version`; throws for a version this SDK does not speak. */
const normalizeProtocolVersion = (version) => {
  const wanted = trimmedOrCurrent(version);
  const known = SUPPORTED.find((item) => item.toLowerCase() === wanted.toLowerCase());
  if (!known) throw new Error(`Unsupported Tempo step protocol version '${wanted}'.`);
  return known;
};

/** The versions the host announced, or this SDK's own list when it announced none. */
const supportedProtocolEnvironment = (env = process.env) =>
  env[SUPPORTED_PROTOCOL_VERSIONS_ENV] || SUPPORTED.join(',');

const ID_LENGTH = 32;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A Tempo-shaped id: `{prefix}_{base-36 ms}_{random}`, 32 characters. */
const newId = (prefix) => {
  const head = `${prefix}_${Date.now().toString(36)}_`;
  let random = '';
  for (let i = head.length; i < ID_LENGTH; i++) random += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return head + random;
};

module.exports = {
  V1,
  CURRENT,
  SUPPORTED,
  PROTOCOL_VERSION_ENV,
  SUPPORTED_PROTOCOL_VERSIONS_ENV,
  RUN_LOG_FILE_ENV,
  PERSISTENT_PROTOCOL_ENV,
  StepResultType,
  isSupportedProtocolVersion,
  normalizeProtocolVersion,
  supportedProtocolEnvironment,
  newId,
};
