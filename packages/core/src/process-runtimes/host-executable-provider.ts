import { dirname } from 'node:path';
import type { HostExecutableEntry, TempoSettings } from '@tempo/contracts';
import type { RuntimeProvider } from '../engine/runtime-provider.ts';
import {
  failure,
  type ProcessRuntimeDependencies,
  processTimeoutMs,
  runLaunch,
} from './artifact-providers.ts';

/** `runtimes.hostExecutables`. */
export type HostExecutableSettings = TempoSettings['runtimes']['hostExecutables'];

const SEPARATOR = /[\\/]/;

/** A path's segments without `.` and empty ones; a leading `''` marks an absolute path. */
const segmentsOf = (path: string): string[] => {
  const segments = path.split(SEPARATOR).filter((segment) => segment !== '' && segment !== '.');
  return SEPARATOR.test(path.charAt(0)) ? ['', ...segments] : segments;
};

/**
 * Whether `prefix` admits `arg`, compared segment by segment rather than as text, so `data/` admits
 * `data/in.csv` but not `data/../../etc/passwd` or `database.db`. A prefix that does not end with a
 * separator may end inside the argument's segment (`--label=` admits `--label=x`). An argument
 * that climbs with `..` is never admitted by a prefix, and a blank prefix admits nothing.
 */
export const prefixAdmits = (prefix: string, arg: string): boolean => {
  if (prefix.trim() === '') return false;
  const wanted = segmentsOf(prefix);
  const given = segmentsOf(arg);
  if (wanted.length === 0 || given.includes('..') || given.length < wanted.length) return false;
  const last = wanted.length - 1;
  const endsInFolder = SEPARATOR.test(prefix.charAt(prefix.length - 1));
  return wanted.every((segment, index) =>
    index === last && !endsInFolder ? given[index]?.startsWith(segment) : given[index] === segment,
  );
};

/**
 * Why an entry's argument policy refuses a step's extra arguments, or null when it accepts them:
 * none at all unless `allowAdditionalArguments`, at most `maxArguments`, and each one listed in
 * `allowedValues` or admitted by one of `allowedPrefixes` ({@link prefixAdmits}) when either list
 * is set.
 */
const hostArgumentProblem = (entry: HostExecutableEntry, args: readonly string[]): string | null => {
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
      !policy.allowedValues.includes(arg) &&
      !policy.allowedPrefixes.some((prefix) => prefixAdmits(prefix, arg)),
  );
  return refused === undefined
    ? null
    : `Host executable '${entry.key}' does not allow the argument '${refused}'.`;
};

/** The allowlist entry a `Host.Executable` configuration runs, or why it cannot run here. */
export type HostExecutableResolution =
  | { readonly ok: true; readonly entry: HostExecutableEntry }
  | { readonly ok: false; readonly problem: string };

/**
 * Resolves a `Host.Executable` configuration against the operator's allowlist (exact, ordinal
 * key match; enabled entries only) and the entry's argument policy. Checked when a step is saved
 * and again when it runs, since settings may have changed in between.
 */
export const resolveHostExecutable = (
  settings: HostExecutableSettings,
  allowListKey: string,
  args: readonly string[],
): HostExecutableResolution => {
  if (!settings.enabled)
    return { ok: false, problem: 'The Host.Executable runtime is disabled by settings.' };
  const entry = settings.allowList.find((candidate) => candidate.enabled && candidate.key === allowListKey);
  if (!entry)
    return { ok: false, problem: `allowListKey '${allowListKey}' is not an enabled host executable.` };
  const problem = hostArgumentProblem(entry, args);
  return problem === null ? { ok: true, entry } : { ok: false, problem };
};

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
    const resolved = resolveHostExecutable(hostExecutables, config.allowListKey, config.arguments);
    if (!resolved.ok) return failure(resolved.problem);
    const { entry } = resolved;
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
