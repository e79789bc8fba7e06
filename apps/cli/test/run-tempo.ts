import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** The repository's `./tempo` script. */
export const TEMPO = join(resolve(import.meta.dirname, '..', '..', '..'), 'tempo');

/** A loopback port nothing listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });

/** Output and exit code of a finished `./tempo` call. */
export interface TempoResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `./tempo ARGS` to completion (bounded by `timeoutMs`). */
export const runTempo = (
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<TempoResult> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(TEMPO, [...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`./tempo ${args.join(' ')} did not finish within ${timeoutMs} ms.\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });

/** A `./tempo` process left running (a server), with its output so far. */
export interface RunningTempo {
  readonly child: ChildProcess;
  output(): string;
  /** Sends SIGTERM and resolves to the exit code, or the signal's name when one ended the process. */
  stop(): Promise<number | string | null>;
}

/** Starts `./tempo ARGS` (with `env` added to this process's) and resolves once `ready` appears in its stderr. */
export const startTempo = (
  args: readonly string[],
  ready: RegExp,
  timeoutMs = 60_000,
  env: Record<string, string> = {},
): Promise<RunningTempo> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(TEMPO, [...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | string | null>((resolveExit) =>
      child.on('exit', (code, signal) => resolveExit(code ?? signal)),
    );
    const running: RunningTempo = {
      child,
      output: () => output,
      stop: async () => {
        child.kill('SIGTERM');
        return exited;
      },
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`./tempo ${args.join(' ')} was not ready within ${timeoutMs} ms.\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolvePromise(running);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`./tempo ${args.join(' ')} exited with ${code} before it was ready.\n${output}`));
    });
  });

/** Processes whose command line names `text` (a test's temp folder: `up` and what it started). */
export const pidsMentioning = (text: string): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter((pid) => pid !== process.pid);

/** Kills with SIGKILL every process whose command line names `text`; a failed test leaves none. */
export const killProcessesMentioning = (text: string): void => {
  for (const pid of pidsMentioning(text)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
};

/** Polls `probe` every 250 ms until it answers something other than undefined. */
export const waitFor = async <T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 250));
  }
};
