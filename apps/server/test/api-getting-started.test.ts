import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess, TEST_ADMIN_API_KEY } from './server-process.ts';

/**
 * docs/getting-started.md, run as written: every `sh` block of the page, in order and in one
 * shell, against a real server, so the walk-through cannot drift from the API it teaches.
 */

const PAGE = resolve(import.meta.dirname, '..', '..', '..', 'docs', 'getting-started.md');

/** The `sh` blocks of a Markdown page, in order. */
const shellBlocks = (markdown: string): string[] =>
  [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');

let server: ServerProcess;
let workDir: string;

beforeAll(async () => {
  server = await startServerProcess();
  workDir = mkdtempSync(join(tmpdir(), 'tempo-getting-started-'));
  // The page reads the administrator key from the settings file `./tempo up` writes, so the
  // work folder gets one holding the test server's key, where `./tempo up` would put it.
  mkdirSync(join(workDir, '.tempo-data'), { mode: 0o700 });
  writeFileSync(
    join(workDir, '.tempo-data', 'tempo.json'),
    JSON.stringify({ auth: { adminApiKey: TEST_ADMIN_API_KEY } }),
    { mode: 0o600 },
  );
});

afterAll(async () => {
  await server?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Runs a bash script in the work folder, pointed at the test server; never rejects. */
const runShell = (script: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: workDir,
      TEMPO: server.baseUrl,
    };
    execFile('bash', ['-c', script], { cwd: workDir, env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });

describe('docs/getting-started.md', () => {
  it('has the walk-through: variables, a step, a flow, a trigger, a call and a run', () => {
    const blocks = shellBlocks(readFileSync(PAGE, 'utf8'));
    const all = blocks.join('\n');
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    for (const part of [
      '/steps/source',
      '/steps"',
      '/flows"',
      '/validate',
      '/triggers"',
      '/triggers/http/',
      '/runs/',
    ])
      expect(all).toContain(part);
  });

  it('runs every sh block, in order, against a real server', async () => {
    const blocks = shellBlocks(readFileSync(PAGE, 'utf8'));
    // Each block is announced, so a failure names the block it stopped in.
    const script = [
      'set -euo pipefail',
      ...blocks.map((block, index) => `echo "@@ block ${index + 1}" >&2\n${block}`),
    ].join('\n');
    const { code, stdout, stderr } = await runShell(script);
    expect(code, `${stderr}\n${stdout}`).toBe(0);

    // What the page says the commands print.
    expect(stdout).toMatch(/tenant: ten_/);
    expect(stdout).toContain('"step": "hello.greet"');
    expect(stdout).toContain('"state": "Resolved"');
    expect(stdout).toMatch(/"warnings": \[\]/);
    expect(stdout).toContain('{"valid":true,"problems":[]}');
    expect(stdout).toMatch(/trigger: trg_/);
    expect(stdout).toContain('{"greeting":"Hello, Ada!"}');
    expect(stdout).toMatch(/x-run-state: Succeeded/i);
    expect(stdout).toContain('"state": "Succeeded"');
    expect(stdout).toContain('{"stepId":"hello.greet","result":"Success"');
  }, 120_000);
});
