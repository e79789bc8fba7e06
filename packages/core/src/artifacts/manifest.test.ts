import { describe, expect, it } from 'vitest';
import { isUnsafeArtifactPath, normalizeArtifactPath } from './artifact-path.ts';
import {
  MANIFEST_REQUIRED_MESSAGE,
  parseArtifactManifest,
  resolveEntrypoint,
  serializeArtifactManifest,
} from './manifest.ts';

const python = {
  runtimeKey: 'Artifact.Python',
  supportedProtocolVersions: ['1.0'],
  defaultEntrypoint: 'main',
  entrypoints: { main: { module: 'handler' } },
};

const errorsOf = (value: unknown): readonly string[] => {
  const result = parseArtifactManifest(JSON.stringify(value));
  return result.ok ? [] : result.errors;
};

const parsed = (value: unknown) => {
  const result = parseArtifactManifest(JSON.stringify(value));
  if (!result.ok) throw new Error(result.errors.join(' '));
  return result.manifest;
};

describe('parseArtifactManifest', () => {
  it('fills the spec defaults', () => {
    const manifest = parsed({
      runtimeKey: 'Artifact.Python',
      protocolVersion: '1.0',
      entrypoints: { default: { module: 'h' } },
    });
    expect(manifest.manifestVersion).toBe('1');
    expect(manifest.defaultEntrypoint).toBe('default');
    expect(manifest.supportedProtocolVersions).toEqual(['1.0']);
    expect(manifest.entrypoints.default).toEqual({
      command: null,
      module: 'h',
      function: 'run',
      handlerType: null,
      args: [],
      environmentAllowList: [],
      inputSchema: null,
      outputSchema: null,
      argumentSchema: null,
      runtimeSettings: {},
    });
    expect(manifest.metadata).toEqual({});
  });

  it('reads the PascalCase the .NET server writes, leaving names and data as written', () => {
    const manifest = parsed({
      ManifestVersion: '1',
      RuntimeKey: 'Artifact.DotnetProcess',
      ProtocolVersion: null,
      SupportedProtocolVersions: ['1.0'],
      DefaultEntrypoint: 'Main',
      Entrypoints: {
        Main: {
          Command: 'dotnet/Step.dll',
          HandlerType: 'Tempo.UserSteps.Handler',
          Args: ['x'],
          Function: null,
        },
      },
      EnvironmentAllowList: ['API_KEY'],
      InputSchema: null,
      RuntimeSettings: { RequirementsFile: 'req.txt', Nested: { InnerKey: 1 } },
      Metadata: { SourceLanguage: 'CSharp', generatedBy: 'Tempo.SourceStepPackageService' },
    });
    expect(manifest.runtimeKey).toBe('Artifact.DotnetProcess');
    expect(Object.keys(manifest.entrypoints)).toEqual(['Main']);
    expect(manifest.entrypoints.Main).toMatchObject({
      command: 'dotnet/Step.dll',
      handlerType: 'Tempo.UserSteps.Handler',
      args: ['x'],
      function: 'run',
    });
    expect(manifest.environmentAllowList).toEqual(['API_KEY']);
    expect(manifest.runtimeSettings).toEqual({ RequirementsFile: 'req.txt', Nested: { InnerKey: 1 } });
    expect(manifest.metadata).toEqual({
      SourceLanguage: 'CSharp',
      generatedBy: 'Tempo.SourceStepPackageService',
    });
  });

  it('copies the legacy protocolVersion only into an empty list', () => {
    const legacy = parsed({ ...python, supportedProtocolVersions: [], protocolVersion: '1.0' });
    expect(legacy.supportedProtocolVersions).toEqual(['1.0']);
    const both = parsed({ ...python, supportedProtocolVersions: ['1.0', '2.0'], protocolVersion: '3.0' });
    expect(both.supportedProtocolVersions).toEqual(['1.0', '2.0']);
  });

  it('needs a manifest', () => {
    for (const text of ['', '   ', 'null']) {
      expect(parseArtifactManifest(text)).toEqual({ ok: false, errors: [MANIFEST_REQUIRED_MESSAGE] });
    }
    expect(MANIFEST_REQUIRED_MESSAGE).toBe('artifact manifest is required for artifact-backed runtimes.');
    expect(errorsOf([1])).toEqual(['artifact manifest must be a JSON object.']);
    expect(parseArtifactManifest('{').ok).toBe(false);
  });

  it('reports wrong JSON types by field', () => {
    expect(errorsOf({ ...python, entrypoints: { main: { args: 'x', module: 'h' } } })[0]).toMatch(
      /^entrypoints\.main\.args: /,
    );
  });

  it.each([
    [{ ...python, manifestVersion: ' ' }, 'manifestVersion is required.'],
    [{ ...python, runtimeKey: null }, 'runtimeKey is required.'],
    [
      { ...python, runtimeKey: 'Host.Executable' },
      'runtimeKey must be Artifact.Process, Artifact.Python, Artifact.JavaScript, or Artifact.DotnetProcess.',
    ],
    [{ ...python, supportedProtocolVersions: [] }, 'supportedProtocolVersions is required.'],
    [
      { ...python, supportedProtocolVersions: ['2.0'] },
      'supportedProtocolVersions must overlap server-supported protocol versions.',
    ],
    [{ ...python, entrypoints: {} }, 'entrypoints is required.'],
    [{ ...python, defaultEntrypoint: '' }, 'defaultEntrypoint is required.'],
    [{ ...python, defaultEntrypoint: 'other' }, 'defaultEntrypoint must reference a manifest entrypoint.'],
    [
      { ...python, entrypoints: { main: { module: 'h' }, ' ': { module: 'h' } } },
      'entrypoint names cannot be empty.',
    ],
    [
      {
        ...python,
        defaultEntrypoint: 'e'.repeat(256),
        entrypoints: { ['e'.repeat(256)]: { module: 'h' } },
      },
      'entrypoint names cannot be longer than 255 characters.',
    ],
    [
      { ...python, runtimeKey: 'Artifact.Process', entrypoints: { main: {} } },
      "entrypoint 'main' requires command.",
    ],
    [
      { ...python, runtimeKey: 'Artifact.Process', entrypoints: { main: { command: '../bin/sh' } } },
      "entrypoint 'main' command must be a relative artifact path.",
    ],
    [{ ...python, entrypoints: { main: { module: '' } } }, "entrypoint 'main' requires module."],
    [
      { ...python, entrypoints: { main: { module: '/abs/h.py' } } },
      "entrypoint 'main' module must be a relative artifact path.",
    ],
    [
      { ...python, entrypoints: { main: { module: 'h', function: ' ' } } },
      "entrypoint 'main' requires function.",
    ],
    [
      { ...python, runtimeKey: 'Artifact.JavaScript', entrypoints: { main: { module: 'C:\\h.js' } } },
      "entrypoint 'main' module must be a relative artifact path.",
    ],
    [
      {
        ...python,
        runtimeKey: 'Artifact.DotnetProcess',
        entrypoints: { main: { command: 'run.exe', handlerType: 'H' } },
      },
      "entrypoint 'main' command must reference a .NET assembly dll.",
    ],
    [
      { ...python, runtimeKey: 'Artifact.DotnetProcess', entrypoints: { main: { command: 'a.dll' } } },
      "entrypoint 'main' requires handlerType.",
    ],
    [
      { ...python, environmentAllowList: ['A=1'] },
      'environmentAllowList must contain names only, not values.',
    ],
  ])('rejects %j with the spec message', (manifest, message) => {
    expect(errorsOf(manifest)).toEqual([message]);
  });

  it('lists every broken rule at once', () => {
    expect(errorsOf({ manifestVersion: '', entrypoints: {} })).toEqual([
      'manifestVersion is required.',
      'runtimeKey is required.',
      'supportedProtocolVersions is required.',
      'entrypoints is required.',
    ]);
  });

  it('accepts a .dll command in any case and a process command in a folder', () => {
    expect(
      errorsOf({
        ...python,
        runtimeKey: 'Artifact.DotnetProcess',
        entrypoints: { main: { command: 'dotnet/A.DLL', handlerType: 'H' } },
      }),
    ).toEqual([]);
    expect(
      errorsOf({
        ...python,
        runtimeKey: 'Artifact.Process',
        entrypoints: { main: { command: './bin/run.sh' } },
      }),
    ).toEqual([]);
  });
});

describe('artifact paths', () => {
  it.each([
    '',
    '  ',
    '/etc/passwd',
    '\\\\server\\share',
    'C:\\x',
    'a:b',
    '..',
    'a/../b',
    'a\\..\\b',
    '../x',
    'a\0b',
  ])('calls %j unsafe', (path) => {
    expect(isUnsafeArtifactPath(path)).toBe(true);
    expect(normalizeArtifactPath(path)).toBeNull();
  });

  it('normalises safe paths to one form', () => {
    expect(isUnsafeArtifactPath('src/..hidden/a..b.py')).toBe(false);
    expect(normalizeArtifactPath('./src\\main.py')).toBe('src/main.py');
    expect(normalizeArtifactPath('././a//b/./c')).toBe('a/b/c');
    expect(normalizeArtifactPath('./')).toBeNull();
  });
});

describe('resolveEntrypoint', () => {
  const manifest = parsed({ ...python, entrypoints: { main: { module: 'h' }, other: { module: 'o' } } });

  it('picks the named entrypoint, else the default', () => {
    expect(resolveEntrypoint(manifest, 'other')).toMatchObject({
      ok: true,
      name: 'other',
      entrypoint: { module: 'o' },
    });
    expect(resolveEntrypoint(manifest, null)).toMatchObject({
      ok: true,
      name: 'main',
      entrypoint: { module: 'h' },
    });
    expect(resolveEntrypoint(manifest, ' ')).toMatchObject({ ok: true, name: 'main' });
  });

  it('says why when there is none', () => {
    expect(resolveEntrypoint(manifest, 'missing')).toEqual({
      ok: false,
      error: "entrypoint 'missing' is not defined in the artifact manifest.",
    });
    expect(resolveEntrypoint(manifest, 'toString').ok).toBe(false);
    expect(resolveEntrypoint({ ...manifest, defaultEntrypoint: 'gone' }, null)).toEqual({
      ok: false,
      error: 'defaultEntrypoint must reference a manifest entrypoint.',
    });
  });
});

describe('serializeArtifactManifest', () => {
  it('writes camelCase JSON with a 2-space indent that reads back the same', () => {
    const manifest = parsed({ ...python, Metadata: { sourceLanguage: 'Python' } });
    const text = serializeArtifactManifest(manifest);
    expect(text.startsWith('{\n  "manifestVersion": "1",\n  "runtimeKey": "Artifact.Python",')).toBe(true);
    expect(text).toContain('\n      "function": "run",');
    expect(parsed(JSON.parse(text))).toEqual(manifest);
  });
});
