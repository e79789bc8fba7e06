import { execFile } from 'node:child_process';
import type { RuntimeDescriptor, TempoSettings } from '@tempo/contracts';
import { RUNTIME_DESCRIPTIONS } from './runtime-descriptions.ts';

/** How long an interpreter may take to answer `--version` before it counts as missing. */
const PROBE_TIMEOUT_MS = 10_000;

/** Whether a command answers `--version` with exit code 0; never throws. */
export const commandAnswers = (command: string): Promise<string | null> =>
  new Promise((resolve) => {
    execFile(
      command,
      ['--version'],
      { timeout: PROBE_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '' } },
      (error, stdout, stderr) => resolve(error ? null : (`${stdout}${stderr}`.trim().split('\n')[0] ?? '')),
    );
  });

/**
 * The runtimes of this host with their availability, probed once at start-up: interpreters that
 * do not answer make their runtime `MissingDependency`, host executables without an enabled
 * allowlist entry are `DisabledBySettings`. A missing interpreter never stops the server.
 */
export const probeRuntimeCatalog = async (
  settings: Pick<TempoSettings, 'runtimes'>,
): Promise<RuntimeDescriptor[]> => {
  const { externalExecution, hostExecutables } = settings.runtimes;
  const [python, node, dotnet] = await Promise.all([
    commandAnswers(externalExecution.pythonExecutable),
    commandAnswers(externalExecution.nodeExecutable),
    commandAnswers(externalExecution.dotnetExecutable),
  ]);
  const missing = (version: string | null, what: string) =>
    version === null
      ? { availability: 'MissingDependency' as const, reason: `${what} did not answer --version.` }
      : null;
  const hostReady = hostExecutables.enabled && hostExecutables.allowList.some((entry) => entry.enabled);
  const problems: Partial<
    Record<
      RuntimeDescriptor['runtimeKey'],
      { availability: RuntimeDescriptor['availability']; reason: string } | null
    >
  > = {
    'Artifact.Python': missing(python, externalExecution.pythonExecutable),
    'Artifact.JavaScript': missing(node, externalExecution.nodeExecutable),
    'Artifact.DotnetProcess': missing(dotnet, externalExecution.dotnetExecutable),
    'Host.Executable': hostReady
      ? null
      : {
          availability: 'DisabledBySettings',
          reason: 'runtimes.hostExecutables is disabled or has no enabled allowlist entry.',
        },
  };
  return RUNTIME_DESCRIPTIONS.map((description) => {
    const problem = problems[description.runtimeKey];
    return problem
      ? {
          ...description,
          availability: problem.availability,
          securityNotes: [description.securityNotes, problem.reason].filter(Boolean).join(' '),
        }
      : { ...description, availability: 'Available' };
  });
};
