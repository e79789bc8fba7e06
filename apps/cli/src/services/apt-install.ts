import { existsSync, rmSync, writeFileSync } from 'node:fs';
import type { DatabaseKind } from './database-service.ts';
import { findExecutable, isRoot, runCommand } from './process-tools.ts';
import { DatabaseServiceError, ServiceStep } from './service-error.ts';

/**
 * Debian runs this before starting a packaged service; exit 101 means "not allowed". Our tests
 * start their own servers in their own folders, so the package's system-wide service must not run.
 */
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** What to install and where to write apt's output. */
export interface DebianInstallOptions {
  readonly packages: readonly string[];
  readonly logFile: string;
  readonly log: (line: string) => void;
}

/** What to install for a test database server. */
export interface AptInstallOptions extends DebianInstallOptions {
  readonly kind: DatabaseKind;
}

/** apt-get could not install the packages: `problem` says why, the log file holds apt's output. */
export class DebianInstallError extends Error {
  override readonly name = 'DebianInstallError';
  readonly problem: string;
  readonly logFile: string;

  constructor(problem: string, logFile: string, cause?: unknown) {
    super(`${problem}. Log: ${logFile}`, cause === undefined ? undefined : { cause });
    this.problem = problem;
    this.logFile = logFile;
  }
}

/** Installs a test database server's packages; failures name the server (see {@link installDebianPackages}). */
export const aptInstall = async (options: AptInstallOptions): Promise<void> => {
  try {
    await installDebianPackages(options);
  } catch (error) {
    if (!(error instanceof DebianInstallError)) throw error;
    throw new DatabaseServiceError(
      options.kind,
      ServiceStep.Install,
      error.problem,
      options.logFile,
      error.cause,
    );
  }
};

/**
 * Installs Debian packages with apt-get, without starting the services they ship. Refreshes the
 * package lists first: on a fresh machine they are empty and the install would find nothing.
 */
export const installDebianPackages = async (options: DebianInstallOptions): Promise<void> => {
  const fail = (problem: string, cause?: unknown): DebianInstallError =>
    new DebianInstallError(problem, options.logFile, cause);
  const names = options.packages.join(' ');
  const aptGet = findExecutable('apt-get');
  if (aptGet === undefined || !isRoot()) {
    throw fail(`${names} is missing and cannot be installed here (installing needs apt-get and root)`);
  }
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy) writeFileSync(POLICY_RC_D, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const startedMs = Date.now();
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // Waits for a dpkg lock held by another apt run instead of failing at once.
    const lock = ['-o', 'DPkg::Lock::Timeout=300'];
    options.log(`installing ${names} with apt-get (output in ${options.logFile})`);
    const updated = await runCommand(aptGet, ['-q', ...lock, 'update'], { logFile: options.logFile, env });
    if (updated !== 0) throw fail(`apt-get update exited with code ${updated}`);
    const args = ['-q', '-y', ...lock, '--no-install-recommends', 'install', ...options.packages];
    const installed = await runCommand(aptGet, args, { logFile: options.logFile, env });
    if (installed !== 0) throw fail(`apt-get install ${names} exited with code ${installed}`);
  } catch (error) {
    throw error instanceof DebianInstallError ? error : fail('apt-get could not be run', error);
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
  }
  options.log(`installed ${names} in ${Date.now() - startedMs} ms`);
};
