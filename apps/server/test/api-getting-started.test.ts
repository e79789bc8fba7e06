import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellBlocksOf, startWalkthrough, type Walkthrough } from './doc-walkthrough.ts';

/**
 * docs/getting-started.md, run as written: every `sh` block of the page, in order and in one
 * shell, against a real server, so the walk-through cannot drift from the API it teaches.
 */

const PAGE = 'getting-started.md';

let walkthrough: Walkthrough;

beforeAll(async () => {
  walkthrough = await startWalkthrough('getting-started');
});

afterAll(async () => {
  await walkthrough?.stop();
});

describe('docs/getting-started.md', () => {
  it('has the walk-through: variables, a step, a flow, a trigger, a call and a run', () => {
    const blocks = shellBlocksOf(PAGE);
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
    const { code, stdout, stderr } = await walkthrough.run(shellBlocksOf(PAGE));
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
