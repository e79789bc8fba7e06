import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

let out: string;
let printed: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'tempo-publish-test-'));
  printed = execFileSync(join(REPO_ROOT, 'tempo'), ['publish-sdks', '--dry-run', '--out', out], {
    encoding: 'utf8',
    timeout: 900_000,
  });
}, 900_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

/** Unpacks an npm tarball into a folder of its own and returns its `package/` folder. */
const unpacked = (file: string): string => {
  const folder = mkdtempSync(join(out, 'unpacked-'));
  execFileSync('tar', ['-xzf', join(out, file), '-C', folder]);
  return join(folder, 'package');
};

const zipEntries = (file: string): string[] =>
  execFileSync(
    'python3',
    [
      '-c',
      'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
      join(out, file),
    ],
    {
      encoding: 'utf8',
    },
  )
    .trim()
    .split('\n');

describe('./tempo publish-sdks --dry-run', () => {
  it('builds every package, lists it, and publishes nothing', () => {
    expect(
      readdirSync(out)
        .filter((file) => !file.startsWith('unpacked-'))
        .sort(),
    ).toEqual([
      'Tempo.Sdk.0.1.0.nupkg',
      'tempo-client-0.1.0.tgz',
      'tempo-contracts-0.1.0.tgz',
      'tempo-core-0.1.0.tgz',
      'tempo-sdk-0.1.0.tar.gz',
      'tempo-sdk-0.1.0.tgz',
      'tempo_sdk-0.1.0-py3-none-any.whl',
    ]);
    for (const name of [
      '@tempo/contracts@0.1.0',
      '@tempo/client@0.1.0',
      '@tempo/core@0.1.0',
      '@tempo/sdk@0.1.0',
      'Tempo.Sdk@0.1.0',
    ])
      expect(printed).toContain(name);
    expect(printed).toContain('dry run, 7 packages built');
  });

  it('compiles the TypeScript packages to dist/ with published dependency ranges', () => {
    const client = unpacked('tempo-client-0.1.0.tgz');
    const manifest = JSON.parse(readFileSync(join(client, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(manifest.dependencies['@tempo/contracts']).toBe('^0.1.0');
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(readFileSync(join(client, 'dist', 'index.js'), 'utf8')).not.toMatch(/from '\.[^']*\.ts'/);
    const core = unpacked('tempo-core-0.1.0.tgz');
    // Files the code reads at run time travel with it.
    // Only the shims: no bytecode a test run left beside them.
    expect(readdirSync(join(core, 'dist', 'process-host', 'shims')).sort()).toEqual([
      'javascript-shim.cjs',
      'python-shim.py',
    ]);
    expect(
      readdirSync(join(core, 'dist'), { recursive: true }).some((path) => String(path).endsWith('.test.js')),
    ).toBe(false);
  });

  it('packs the JavaScript SDK so both module systems load it', async () => {
    const sdk = unpacked('tempo-sdk-0.1.0.tgz');
    const required = createRequire(join(sdk, 'package.json'))('./src/index.js');
    const imported = await import(join(sdk, 'src', 'index.mjs'));
    expect(typeof required.TempoStepHost.run).toBe('function');
    expect(imported.StepRequest).toBe(required.StepRequest);
    expect(readdirSync(join(sdk, 'src')).sort()).toContain('index.d.ts');
  });

  it('builds an importable Python wheel and a NuGet package for both frameworks', () => {
    const imported = execFileSync(
      'python3',
      [
        '-c',
        'import sys; sys.path.insert(0, sys.argv[1]); import tempo_sdk; print(len(tempo_sdk.__all__))',
        join(out, 'tempo_sdk-0.1.0-py3-none-any.whl'),
      ],
      { encoding: 'utf8' },
    );
    // The names of protocol v1's SDK section.
    expect(Number(imported)).toBe(21);
    expect(zipEntries('Tempo.Sdk.0.1.0.nupkg')).toEqual(
      expect.arrayContaining(['lib/net8.0/Tempo.Sdk.dll', 'lib/net10.0/Tempo.Sdk.dll', 'README.md']),
    );
    // No machine path in what is published: the DLLs' PDB paths are mapped.
    const dlls = execFileSync(
      'python3',
      [
        '-c',
        'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); sys.stdout.buffer.write(b"".join(z.read(n) for n in z.namelist() if n.endswith(".dll")))',
        join(out, 'Tempo.Sdk.0.1.0.nupkg'),
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    expect(dlls.includes(Buffer.from(REPO_ROOT))).toBe(false);
  });
});
