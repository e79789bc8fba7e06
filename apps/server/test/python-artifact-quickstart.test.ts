import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellBlocksOf, startWalkthrough, type Walkthrough } from './doc-walkthrough.ts';

/**
 * docs/python-artifact-quickstart.md, run as written: every `sh` block of the page, in order and
 * in one shell, against a real server, so the quickstart cannot drift from the API it teaches.
 */

const PAGE = 'python-artifact-quickstart.md';

let walkthrough: Walkthrough;

beforeAll(async () => {
  walkthrough = await startWalkthrough('python-quickstart');
});

afterAll(async () => {
  await walkthrough?.stop();
});

describe('docs/python-artifact-quickstart.md', () => {
  it('packages, uploads and runs a handler: manifest, artifact version, step, flow, trigger, run, log', () => {
    const all = shellBlocksOf(PAGE).join('\n');
    for (const part of [
      'tempo.step.json',
      '/artifacts"',
      '/versions?version=1.0.0',
      'Artifact.Python',
      '/triggers/http/',
      '/logs/content',
    ])
      expect(all).toContain(part);
  });

  it('runs every sh block, in order, against a real server', async () => {
    const { code, stdout, stderr } = await walkthrough.run(shellBlocksOf(PAGE));
    expect(code, `${stderr}\n${stdout}`).toBe(0);

    // What the page says the commands print.
    expect(stdout).toContain("{'greeting': 'Hello, Ada!', 'length': 3}");
    expect(stdout).toContain('"version": "1.0.0"');
    expect(stdout).toContain('"sha256": 64');
    expect(stdout).toContain('"runtime": "Artifact.Python"');
    expect(stdout).toContain('{"greeting":"Hello, Ada!","length":3}');
    expect(stdout).toContain(
      '{"stepId":"greeter.greet","result":"Success","artifactVersion":"1.0.0","manifestEntrypoint":"greet"}',
    );
    expect(stdout).toMatch(/greeting Ada\n?$/);
  }, 180_000);
});
