import { spawn } from 'node:child_process';

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Runs a Node script with this process's Node, output passed through, and resolves to its exit
 * code. Signals end the child too, so an interrupted `./tempo test` leaves nothing behind.
 */
export const runNode = (script: string, args: readonly string[], options: RunNodeOptions): Promise<number> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', script, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: 'inherit',
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolvePromise(code ?? (signal ? 128 : 1));
    });
  });
