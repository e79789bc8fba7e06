/** Variables every handler needs to find its interpreter and run at all; none of them is a secret. */
const BASE_NAMES: readonly string[] =
  // Stryker disable next-line ArrayDeclaration,StringLiteral: the Windows list, never evaluated on the Linux hosts the tests run on.
  process.platform === 'win32' ? ['PATH', 'PATHEXT', 'SYSTEMROOT', 'WINDIR', 'COMSPEC'] : ['PATH'];

/** The spec's rule: shorter values are too likely to match ordinary text to be replaced. */
const MIN_REDACTED_LENGTH = 4;

/** What a handler's environment is built from. */
export interface HandlerEnvironmentOptions {
  /** Where values are read from: the server's own environment. */
  readonly source: Readonly<Record<string, string | undefined>>;
  /** Names the operator lets flow into handlers (`runtimes.externalExecution.environmentAllowList`). */
  readonly operatorAllowList: readonly string[];
  /** Names the tenant's step or manifest asks for; passed only when the operator allows them. */
  readonly requestedNames: readonly string[];
  /** Names an operator-owned allowlist entry passes without the tenant asking (Host.Executable). */
  readonly operatorPassedNames?: readonly string[];
  /** The protocol's `TEMPO_*` variables and the like, set last so nothing can override them. */
  readonly fixed: Readonly<Record<string, string>>;
}

/** A handler's environment and the secret values to scrub from what it prints. */
export interface HandlerEnvironment {
  readonly env: Readonly<Record<string, string>>;
  readonly secretValues: readonly string[];
}

/**
 * Builds a handler's whole environment: the base variables, the referenced names the operator
 * allows, and the fixed protocol variables. The server's other variables (database passwords,
 * the admin key) never reach a handler, whatever the tenant names.
 */
export const buildHandlerEnvironment = (options: HandlerEnvironmentOptions): HandlerEnvironment => {
  const env: Record<string, string> = {};
  for (const name of BASE_NAMES) {
    const value = options.source[name];
    if (value !== undefined) env[name] = value;
  }
  const allowed = new Set(options.operatorAllowList);
  const passed = [
    ...options.requestedNames.filter((name) => allowed.has(name)),
    // Stryker disable next-line ArrayDeclaration: a made-up name has no value in the source and is skipped.
    ...(options.operatorPassedNames ?? []),
  ];
  const secretValues: string[] = [];
  for (const name of passed) {
    const value = options.source[name];
    if (value === undefined) continue;
    env[name] = value;
    if (value.length >= MIN_REDACTED_LENGTH) secretValues.push(value);
  }
  Object.assign(env, options.fixed);
  return { env, secretValues };
};

/** Replaces every secret value in `text` with `[redacted]`, longest first so overlaps go whole. */
export const redactSecrets = (text: string, secretValues: readonly string[]): string => {
  let redacted = text;
  for (const secret of [...secretValues].sort((a, b) => b.length - a.length)) {
    redacted = redacted.split(secret).join('[redacted]');
  }
  return redacted;
};
