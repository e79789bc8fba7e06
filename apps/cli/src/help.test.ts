import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, 'main.ts');

describe('./tempo --help', () => {
  const help = execFileSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' });
  const lines = help.split('\n');

  it('lists every command with its summary on the lines below, within 100 columns', () => {
    for (const name of ['setup', 'up', 'server', 'worker', 'mcp', 'migrate', 'test']) {
      const at = lines.findIndex((line) => line.startsWith(`  ${name}`));
      expect(at, name).toBeGreaterThan(0);
      expect(lines[at + 1]).toMatch(/^ {6}\S/);
    }
    const summaries = lines.filter((line) => line.startsWith('      '));
    expect(summaries.length).toBeGreaterThan(10);
    for (const line of summaries) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('keeps the flags of up stable', () => {
    const up = lines.find((line) => line.startsWith('  up '));
    for (const flag of ['--data-dir', '--port', '--workers', '--dashboard-port']) expect(up).toContain(flag);
  });
});
