import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/** The `sh` blocks of a Markdown page of docs/, in order. */
export const shellBlocksOf = (page: string): string[] =>
  [
    ...readFileSync(resolve(import.meta.dirname, '..', '..', '..', 'docs', page), 'utf8').matchAll(
      /^```sh\n([\s\S]*?)^```$/gm,
    ),
  ].map((match) => match[1] ?? '');

/** What a shell run of a page's blocks printed, and how it ended. */
export interface ShellRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A real server and a work folder laid out as `./tempo up` leaves one, for a page's commands. */
export interface Walkthrough {
  readonly server: ServerProcess;
  /** Runs the page's blocks in order, in one `set -euo pipefail` bash, announcing each on stderr. */
  run(blocks: readonly string[]): Promise<ShellRun>;
  stop(): Promise<void>;
}

/**
 * Starts a server and a work folder whose `.tempo-data/tempo.json` holds the server's
 * administrator key, where `./tempo up` would keep it, so a page's commands read it as written.
 */
export const startWalkthrough = async (name: string): Promise<Walkthrough> => {
  const server = await startServerProcess();
  const workDir = mkdtempSync(join(tmpdir(), `tempo-${name}-`));
  mkdirSync(join(workDir, '.tempo-data'), { mode: 0o700 });
  writeFileSync(
    join(workDir, '.tempo-data', 'tempo.json'),
    JSON.stringify({ auth: { adminApiKey: TEST_ADMIN_API_KEY } }),
    { mode: 0o600 },
  );
  const run = (blocks: readonly string[]) =>
    new Promise<ShellRun>((resolveRun) => {
      const script = [
        'set -euo pipefail',
        // Each block is announced, so a failure names the block it stopped in.
        ...blocks.map((block, index) => `echo "@@ block ${index + 1}" >&2\n${block}`),
      ].join('\n');
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: workDir, TEMPO: server.baseUrl };
      execFile('bash', ['-c', script], { cwd: workDir, env }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolveRun({ code, stdout, stderr });
      });
    });
  return {
    server,
    run,
    stop: async () => {
      await server.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
};
