import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * Resolves a package-relative path and proves it stays inside the package, following symlinks, as
 * the spec re-checks manifest paths at run time.
 */
export const insidePackage = async (root: string, path: string): Promise<string | null> => {
  const candidate = resolve(root, path);
  try {
    const [realRoot, realTarget] = await Promise.all([realpath(root), realpath(candidate)]);
    const inside = relative(realRoot, realTarget);
    return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? realTarget : null;
  } catch {
    return null;
  }
};
