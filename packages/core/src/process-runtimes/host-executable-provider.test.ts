import { RuntimesSettings } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import { prefixAdmits, resolveHostExecutable } from './host-executable-provider.ts';

/** `runtimes.hostExecutables` with one enabled entry whose extra arguments must match `allowedPrefixes`. */
const withPrefixes = (allowedPrefixes: string[]) =>
  RuntimesSettings.parse({
    hostExecutables: {
      enabled: true,
      allowList: [
        {
          key: 'tool',
          executablePath: '/usr/bin/env',
          argumentPolicy: { allowAdditionalArguments: true, allowedPrefixes },
        },
      ],
    },
  }).hostExecutables;

const problemOf = (settings: ReturnType<typeof withPrefixes>, args: string[]) => {
  const resolved = resolveHostExecutable(settings, 'tool', args);
  return resolved.ok ? null : resolved.problem;
};

describe('allowedPrefixes', () => {
  it('admits arguments inside a folder prefix and refuses those that climb out of it', () => {
    const settings = withPrefixes(['data/']);
    expect(problemOf(settings, ['data/in.csv'])).toBeNull();
    expect(problemOf(settings, ['data/sub/in.csv'])).toBeNull();
    for (const climbing of [
      'data/../../etc/passwd',
      'data/./../x',
      'data\\..\\..\\x',
      'database.db',
      '../data/x',
    ]) {
      expect(problemOf(settings, [climbing]), climbing).toBe(
        `Host executable 'tool' does not allow the argument '${climbing}'.`,
      );
    }
  });

  it('still admits flags by their text prefix, and compares absolute prefixes by segment', () => {
    expect(prefixAdmits('--label=', '--label=x')).toBe(true);
    expect(prefixAdmits('--label=', '--labels')).toBe(false);
    expect(prefixAdmits('--label=', '--label=a/../../b')).toBe(false);
    expect(prefixAdmits('/srv/in/', '/srv/in/a.txt')).toBe(true);
    expect(prefixAdmits('/srv/in/', '/srv/inside/a.txt')).toBe(false);
    expect(prefixAdmits('/srv/in/', 'srv/in/a.txt')).toBe(false);
    expect(prefixAdmits('/srv/in/', '/srv//in/./a.txt')).toBe(true);
  });

  it('lets a blank prefix admit nothing, and refuses one in settings', () => {
    expect(prefixAdmits('', 'anything')).toBe(false);
    expect(prefixAdmits('  ', 'anything')).toBe(false);
    expect(() => withPrefixes([''])).toThrow(/must not be blank/);
  });
});

describe('executablePath', () => {
  const entry = (executablePath: string) =>
    RuntimesSettings.safeParse({ hostExecutables: { allowList: [{ key: 'tool', executablePath }] } });

  it('must be absolute, so no program is looked up on PATH', () => {
    for (const relative of ['ls', './bin/tool', 'bin/tool', '~/tool']) {
      const parsed = entry(relative);
      expect(parsed.success, relative).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/must be an absolute path/);
    }
    for (const absolute of [
      '/usr/bin/env',
      'C:\\Tools\\tool.exe',
      'D:/tools/tool.exe',
      '\\\\share\\tool.exe',
    ]) {
      expect(entry(absolute).success, absolute).toBe(true);
    }
  });
});
