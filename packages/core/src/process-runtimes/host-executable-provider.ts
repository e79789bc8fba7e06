import { dirname } from 'node:path';
import type { HostExecutableEntry, TempoSettings } from '@tempo/contracts';
import type { ProviderOutcome, RuntimeProvider } from '../engine/runtime-provider.ts';
import { type ProcessRuntimeDependencies, processTimeoutMs, runLaunch } from './artifact-providers.ts';

/** `runtimes.hostExecutables`. */
export type HostExecutableSettings = TempoSettings['runtimes']['hostExecutables'];

/** The enabled allowlist entry of a key (exact, ordinal match), or null. */
export const findHostExecutable = (
  settings: HostExecutableSettings,
  key: string,
): HostExecutableEntry | null =>
  settings.enabled ? (settings.allowList.find((entry) => entry.enabled && entry.key === key) ?? null) : null;

/**
 * Why an entry's argument policy refuses a step's extra arguments, or null when it accepts them:
 * none at all unless `allowAdditionalArguments`, at most `maxArguments`, and each one listed in
 * `allowedValues` or starting with one of `allowedPrefixes` when either list is set.
 */
export const hostArgumentProblem = (entry: HostExecutableEntry, args: readonly string[]): string | null => {
  if (args.length === 0) return null;
  const policy = entry.argumentPolicy;
  if (!policy.allowAdditionalArguments)
    return `Host executable '${entry.key}' does not accept additional arguments.`;
  if (args.length > policy.maxArguments) {
    return `Host executable '${entry.key}' accepts at most ${policy.maxArguments} additional arguments.`;
  }
  const restricted = policy.allowedValues.length > 0 || policy.allowedPrefixes.length > 0;
  if (!restricted) return null;
  const refused = args.find(
    (arg) =>
      !policy.allowedValues.includes(arg) && !policy.allowedPrefixes.some((prefix) => arg.startsWith(prefix)),
  );
  return refused === undefined
    ? null
    : `Host executable '${entry.key}' does not allow the argument '${refused}'.`;
};

/** Why a `Host.Executable` configuration cannot run here, or null: checked when a step is saved. */
export const hostExecutableProblem = (
  settings: HostExecutableSettings,
  allowListKey: string,
  args: readonly string[],
): string | null => {
  if (!settings.enabled) return 'The Host.Executable runtime is disabled by settings.';
  const entry = findHostExecutable(settings, allowListKey);
  if (!entry) return `allowListKey '${allowListKey}' is not an enabled host executable.`;
  return hostArgumentProblem(entry, args);
};

const failure = (message: string): ProviderOutcome => ({
  result: { result: 'Exception', data: null, errorMessage: message },
});

/**
 * `Host.Executable`: an operator-approved program run with the artifact runner's protocol, limits
 * and environment rules. The tenant only picks the entry and adds arguments the policy allows.
 */
export const hostExecutableProvider = (
  deps: ProcessRuntimeDependencies,
  hostExecutables: HostExecutableSettings,
): RuntimeProvider => ({
  runtimeKey: 'Host.Executable',
  execute: async (invocation) => {
    const config = invocation.step.runtimeConfig;
    if (config?.runtimeKey !== 'Host.Executable')
      return failure('The step has no Host.Executable configuration.');
    const problem = hostExecutableProblem(hostExecutables, config.allowListKey, config.arguments);
    if (problem) return failure(problem);
    const entry = findHostExecutable(hostExecutables, config.allowListKey) as HostExecutableEntry;
    return runLaunch(
      deps,
      invocation,
      {
        command: entry.executablePath,
        args: [...entry.arguments, ...config.arguments],
        cwd: entry.workingDirectory ?? dirname(entry.executablePath),
        requestedEnvironment: [],
        operatorEnvironment: entry.environmentAllowList,
      },
      processTimeoutMs(invocation.step, deps.settings, entry.maxRuntimeMs),
      {},
    );
  },
});
