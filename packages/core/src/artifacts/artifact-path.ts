/**
 * The spec's unsafe-path rule (§8) for paths inside a package: blank, rooted, starting with `/`
 * once `\` reads as `/`, containing `:` (drive letters, alternate data streams) or having any `..`
 * segment. NUL is refused too because no file system can store it and some truncate at it.
 */
export const isUnsafeArtifactPath = (path: string | null | undefined): boolean => {
  if (path == null || path.trim() === '') return true;
  const slashed = path.replaceAll('\\', '/');
  if (slashed.startsWith('/') || slashed.includes(':') || slashed.includes('\0')) return true;
  return slashed.split('/').some((segment) => segment === '..');
};

/**
 * A package path in its one stored form: `/` separators, no leading `./`, no empty or `.`
 * segments, so `a\b`, `./a/b` and `a//b` name the same file. Null when the path is unsafe or
 * names the package root itself.
 */
export const normalizeArtifactPath = (path: string | null | undefined): string | null => {
  if (path == null || isUnsafeArtifactPath(path)) return null;
  const segments = path
    .replaceAll('\\', '/')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
  return segments.length === 0 ? null : segments.join('/');
};

/** Ordinal (UTF-16 code unit) order, the order .NET's `StringComparer.Ordinal` gives. */
export const compareOrdinal = (left: string, right: string): number =>
  left < right ? -1 : left > right ? 1 : 0;
