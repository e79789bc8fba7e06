import type { TempoSettings } from '@tempo/contracts';

/** A change that weakens a protection or can cut callers off, and what it does. */
interface SecurityRule {
  /** The setting, or a prefix of settings (`runtimes.hostExecutables`). */
  readonly field: string;
  /** The warning when it changed; null when this change is harmless (tightening, say). */
  readonly warn: (before: TempoSettings, after: TempoSettings) => string | null;
}

const always = (text: string) => (): string => text;

const RULES: readonly SecurityRule[] = [
  {
    field: 'auth.adminApiKey',
    warn: (_before, after) =>
      after.auth.adminApiKey === ''
        ? 'auth.adminApiKey is now empty: after the restart x-api-key no longer signs anyone in; keep an administrator account that signs in with a password.'
        : 'auth.adminApiKey changed: after the restart only the new key signs in with x-api-key.',
  },
  {
    field: 'auth.signingKey',
    warn: always('auth.signingKey changed: after the restart every token issued so far is refused.'),
  },
  {
    field: 'auth.credentialHashKey',
    warn: always(
      "auth.credentialHashKey changed: after the restart every credential's access key and every worker token is refused until issued again.",
    ),
  },
  {
    field: 'secrets.',
    warn: always(
      'secrets changed: after the restart, stored secrets sealed under a key no longer listed cannot be read.',
    ),
  },
  {
    field: 'rest.securityHeaders',
    warn: (_before, after) =>
      after.rest.securityHeaders
        ? null
        : 'rest.securityHeaders is off: the standard security headers are no longer sent.',
  },
  {
    field: 'rest.corsOrigins',
    warn: (_before, after) =>
      after.rest.corsOrigins.includes('*') ? 'rest.corsOrigins allows every origin (*).' : null,
  },
  {
    field: 'rest.trustedProxies',
    warn: always(
      'rest.trustedProxies changed: forwarding headers from these addresses decide client addresses (throttles, rate limits, history).',
    ),
  },
  {
    field: 'runtimes.hostExecutables',
    warn: always('runtimes.hostExecutables changed: it decides which host programs steps may run.'),
  },
  {
    field: 'runtimes.outboundRest.allowedTargets',
    warn: always(
      'runtimes.outboundRest.allowedTargets changed: REST steps may reach the private addresses it lists.',
    ),
  },
  {
    field: 'runtimes.externalExecution.hideServerFiles',
    warn: (_before, after) =>
      after.runtimes.externalExecution.hideServerFiles
        ? null
        : "runtimes.externalExecution.hideServerFiles is off: handlers can see the server's files.",
  },
  {
    field: 'runtimes.externalExecution.isolation',
    warn: always(
      'runtimes.externalExecution.isolation changed: it decides how handler processes are contained.',
    ),
  },
  {
    field: 'runtimes.externalExecution.handlerUser',
    warn: (_before, after) =>
      after.runtimes.externalExecution.handlerUser.startsWith('0:')
        ? 'runtimes.externalExecution.handlerUser is root (0): handlers keep every privilege of the server.'
        : null,
  },
  {
    field: 'runtimes.externalExecution.killProcessTreeOnCancel',
    warn: (_before, after) =>
      after.runtimes.externalExecution.killProcessTreeOnCancel
        ? null
        : 'runtimes.externalExecution.killProcessTreeOnCancel is off: processes a handler started can outlive it.',
  },
  {
    field: 'engine.defaultInvocationAuthMode',
    warn: (_before, after) =>
      after.engine.defaultInvocationAuthMode === 'Public'
        ? 'engine.defaultInvocationAuthMode is Public: new flows run for anyone who knows a trigger id.'
        : null,
  },
  {
    field: 'requestHistory.enabled',
    warn: (_before, after) =>
      after.requestHistory.enabled ? null : 'requestHistory.enabled is off: requests are no longer recorded.',
  },
  {
    field: 'audit.retentionDays',
    warn: (before, after) =>
      after.audit.retentionDays < before.audit.retentionDays
        ? `audit.retentionDays lowered to ${after.audit.retentionDays}: older audit events are removed.`
        : null,
  },
  {
    field: 'logging.logDirectory',
    warn: (_before, after) =>
      `logging.logDirectory changed to "${after.logging.logDirectory}": after the restart the server logs there and the log viewer serves that folder's logs.`,
  },
  {
    field: 'logging.logFilename',
    warn: (_before, after) =>
      `logging.logFilename changed to "${after.logging.logFilename}": after the restart the log viewer serves the files named like it.`,
  },
  {
    field: 'logViewer.workerRootPath',
    warn: (_before, after) =>
      `logViewer.workerRootPath changed to "${after.logViewer.workerRootPath}": after the restart the log viewer serves the logs of every folder under it.`,
  },
  {
    field: 'logViewer.workerLogFilename',
    warn: (_before, after) =>
      `logViewer.workerLogFilename changed to "${after.logViewer.workerLogFilename}": after the restart the log viewer serves the workers' files named like it.`,
  },
  {
    field: 'logging.fileLogging',
    warn: (_before, after) =>
      after.logging.fileLogging ? null : 'logging.fileLogging is off: the server keeps no log file.',
  },
];

const touches = (field: string, rule: string) =>
  rule.endsWith('.') ? field.startsWith(rule) : field === rule || field.startsWith(`${rule}.`);

/** Warnings for the changed fields that weaken a protection or can cut callers off. */
export const securityWarnings = (
  before: TempoSettings,
  after: TempoSettings,
  changed: readonly string[],
): string[] =>
  RULES.filter((rule) => changed.some((field) => touches(field, rule.field)))
    .map((rule) => rule.warn(before, after))
    .filter((warning) => warning !== null);
