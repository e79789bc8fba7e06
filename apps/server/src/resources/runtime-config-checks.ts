import type { RuntimeConfig } from '@tempo/contracts';
import { urlCredentialsProblem } from '@tempo/core/engine';
import { resolveHostExecutable } from '@tempo/core/process-runtimes';
import type { ServerContext } from '../server-context.ts';

/**
 * What keeps a well-formed runtime configuration from ever running for this tenant: another
 * tenant's (or no) artifact, an unknown allowlist key, arguments the entry's policy refuses, a
 * REST URL carrying credentials.
 * The same checks answer `runtimes/validate` and guard step saves.
 */
export const runtimeConfigProblems = async (
  context: ServerContext,
  tenantId: string,
  config: RuntimeConfig,
): Promise<string[]> => {
  const problems: string[] = [];
  if (config.runtimeKey === 'Host.Executable') {
    const resolved = resolveHostExecutable(
      context.settings.runtimes.hostExecutables,
      config.allowListKey,
      config.arguments,
    );
    if (!resolved.ok) problems.push(resolved.problem);
  }
  if (config.runtimeKey === 'External.Rest' || config.runtimeKey === 'Legacy.InlineRest') {
    const credentials = urlCredentialsProblem(config.url);
    if (credentials) problems.push(credentials);
  }
  if ('artifactId' in config) {
    const artifact = await context.repositories.artifacts.inTenant(tenantId).get(config.artifactId);
    if (!artifact) problems.push(`artifactId ${config.artifactId} was not found in this tenant.`);
  }
  return problems;
};
