import { chmod, lstat, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TempoError } from '@tempo/contracts';

/**
 * The folder of C# source-step builds, below the runtime cache root: its top level holds fixed
 * names only (`packages`, `python`), while the scratch root's holds one folder per tenant id, and
 * a tenant id may be any name.
 */
const BUILD_FOLDER = 'source-builds';

/** Group and other permission bits. */
const GROUP_AND_OTHER = 0o077;

const notPrivate = () =>
  new TempoError(
    'Unavailable',
    503,
    `C# source steps cannot be built: the '${BUILD_FOLDER}' folder under runtimes.externalExecution.cacheRoot is not a folder owned by the server's user. An operator must remove it or give it to that user.`,
  );

/**
 * The folder builds are made in, created owner-only inside the server's data folder. MSBuild and
 * the .NET host read files from every parent of a project (props, targets, response files,
 * `global.json`), so builds must not happen below a world-writable folder such as `/tmp`; a folder
 * that is a link, or belongs to someone else, is refused rather than built in.
 */
export const privateBuildRoot = async (cacheRoot: string): Promise<string> => {
  const folder = join(resolve(cacheRoot), BUILD_FOLDER);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const stats = await lstat(folder);
  if (!stats.isDirectory()) throw notPrivate();
  // Ownership and mode bits mean nothing on Windows, where `getuid` does not exist.
  const uid = process.getuid?.();
  if (uid === undefined) return folder;
  if (stats.uid !== uid) throw notPrivate();
  if ((stats.mode & GROUP_AND_OTHER) !== 0) await chmod(folder, 0o700);
  return folder;
};

/**
 * `dotnet publish` switches that stop MSBuild from reading files it finds above the project:
 * `Directory.Build.props`/`.targets` and `Directory.Packages.props` (imported from the nearest
 * parent that has one), `Directory.Build.rsp` and `MSBuild.rsp` response files (which may add any
 * switch, an extra import or a logger assembly), and `.editorconfig`/`.globalconfig` files. The
 * build nodes exit with the build, so nothing started for one build outlives it.
 */
export const ISOLATING_SWITCHES: readonly string[] = [
  '-noAutoResponse',
  '-nodeReuse:false',
  '-p:ImportDirectoryBuildProps=false',
  '-p:ImportDirectoryBuildTargets=false',
  '-p:ImportDirectoryPackagesProps=false',
  '-p:DiscoverEditorConfigFiles=false',
  '-p:DiscoverGlobalAnalyzerConfigFiles=false',
];

/**
 * Files written next to the project so that the searches which cannot be switched off end there:
 * the .NET host takes the SDK (and extra SDK folders) from the nearest `global.json`, and NuGet
 * merges every `NuGet.Config` up the tree unless the project names its own (`RestoreConfigFile`).
 * The project needs no packages, so its NuGet configuration lists no sources.
 */
export const ISOLATING_FILES: readonly { readonly path: string; readonly content: string }[] = [
  { path: 'global.json', content: '{}\n' },
  {
    path: 'NuGet.Config',
    content: `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
  </packageSources>
</configuration>
`,
  },
];

/**
 * The compiler's output with the build folder's path replaced, so that an error a tenant reads
 * does not show where the server keeps its data.
 */
export const withoutBuildPath = (output: string, folders: readonly string[]): string =>
  folders.reduce((text, folder) => text.split(folder).join('<build>'), output);
