import { ArtifactManifest, type SourceLanguage, type SourceStepCreateRequest } from '@tempo/contracts';
import { type PackageFile, serializeArtifactManifest } from '@tempo/core/artifacts';
import type { z } from 'zod';
import type { CsharpBuild } from './csharp-source-build.ts';

/** The package generated for a source step, and what its step's configuration names. */
export interface SourcePackage {
  readonly files: readonly PackageFile[];
  readonly runtimeKey: 'Artifact.Python' | 'Artifact.JavaScript' | 'Artifact.DotnetProcess';
  /** Module (Python/JavaScript) the step runs; null for .NET. */
  readonly module: string | null;
}

const EXTENSIONS: Readonly<Record<SourceLanguage, string>> = {
  Python: '.py',
  JavaScript: '.js',
  CSharp: '.cs',
};
const DEFAULT_FILES: Readonly<Record<SourceLanguage, string>> = {
  Python: 'handler.py',
  JavaScript: 'handler.js',
  CSharp: 'UserStep.cs',
};

/** The spec's file-name rule: `[A-Za-z0-9_.-]` only, no leading/trailing dots, the language's extension forced. */
export const sourceFileName = (language: SourceLanguage, requested: string | null | undefined): string => {
  const extension = EXTENSIONS[language];
  const cleaned = (requested ?? '').replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+|\.+$/g, '');
  const base = cleaned === '' ? DEFAULT_FILES[language].slice(0, -extension.length) : cleaned;
  const stem = base.toLowerCase().endsWith(extension) ? base.slice(0, -extension.length) : base;
  return `${stem || 'source'}${extension}`;
};

const text = (path: string, content: string, executable = false): PackageFile => ({
  path,
  bytes: Buffer.from(content, 'utf8'),
  executable,
});

/** The manifest of a generated package, written the way the store reads it back. */
export const manifestFile = (manifest: z.input<typeof ArtifactManifest>): PackageFile =>
  text('tempo.step.json', serializeArtifactManifest(ArtifactManifest.parse(manifest)));

const metadataOf = (language: SourceLanguage) => ({
  sourceLanguage: language,
  generatedBy: 'Tempo.SourceStepPackageService',
});

/** The package of a Python or JavaScript source step: the manifest and the one source file. */
export const scriptSourcePackage = (request: SourceStepCreateRequest): SourcePackage => {
  const language = request.language;
  const fileName = sourceFileName(language, request.fileName);
  const isPython = language === 'Python';
  const module = request.module ?? (isPython ? fileName.slice(0, -'.py'.length) : fileName);
  const runtimeKey = isPython ? 'Artifact.Python' : 'Artifact.JavaScript';
  return {
    runtimeKey,
    module,
    files: [
      manifestFile({
        runtimeKey,
        supportedProtocolVersions: ['1.0'],
        defaultEntrypoint: request.entrypoint,
        entrypoints: { [request.entrypoint]: { module, function: request.function, argumentSchema: '{}' } },
        inputSchema: request.inputSchema ?? null,
        outputSchema: request.outputSchema ?? null,
        metadata: metadataOf(language),
      }),
      text(fileName, request.code),
    ],
  };
};

/** The package of a C# source step: sources for reference and the published build that runs. */
export const csharpSourcePackage = (request: SourceStepCreateRequest, build: CsharpBuild): SourcePackage => ({
  runtimeKey: 'Artifact.DotnetProcess',
  module: null,
  files: [
    manifestFile({
      runtimeKey: 'Artifact.DotnetProcess',
      supportedProtocolVersions: ['1.0'],
      defaultEntrypoint: request.entrypoint,
      entrypoints: {
        [request.entrypoint]: {
          command: `dotnet/${build.assemblyName}.dll`,
          handlerType: request.handlerType,
          args: [request.handlerType],
        },
      },
      inputSchema: request.inputSchema ?? null,
      outputSchema: request.outputSchema ?? null,
      metadata: metadataOf('CSharp'),
      // Built with this server's Tempo.Sdk, whose host speaks protocol v1 persistent mode.
      persistent: true,
    }),
    ...build.sources.map((file) => ({ ...file, path: `source/${file.path}` })),
    ...build.output.map((file) => ({ ...file, path: `dotnet/${file.path}` })),
  ],
});
