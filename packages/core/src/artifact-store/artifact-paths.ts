/**
 * The spec's unsafe path: blank, rooted, starting with `/` once `\` is read as `/`, holding `:`
 * (drive letters, alternate streams), or with a `..` segment.
 */
export const isUnsafeArtifactPath = (path: string): boolean => {
  const slashed = path.replace(/\\/g, '/');
  if (slashed.trim() === '' || slashed.startsWith('/') || slashed.includes(':')) return true;
  return slashed.split('/').some((segment) => segment === '..');
};

/**
 * An artifact-relative path in its stored form (`/` separators, no `./` or empty segments), or
 * null when it is unsafe or names no file.
 */
export const normalizeArtifactPath = (path: string): string | null => {
  if (isUnsafeArtifactPath(path)) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f]/.test(path)) return null;
  const segments = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
  return segments.length === 0 ? null : segments.join('/');
};
