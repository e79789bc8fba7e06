import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The shims that adapt a plain function to protocol v1, by language. */
export const LANGUAGE_SHIMS = {
  python: { source: 'python-shim.py', fileName: '__tempo_python_shim.py' },
  javascript: { source: 'javascript-shim.cjs', fileName: '__tempo_javascript_shim.cjs' },
} as const;

/** A language with a shim. */
export type ShimLanguage = keyof typeof LANGUAGE_SHIMS;

const shimTexts = new Map<ShimLanguage, Promise<string>>();

const shimText = (language: ShimLanguage): Promise<string> => {
  let text = shimTexts.get(language);
  // Stryker disable next-line ConditionalExpression: a cache; reading the shim again writes the same file.
  if (!text) {
    text = readFile(new URL(`./shims/${LANGUAGE_SHIMS[language].source}`, import.meta.url), 'utf8');
    // Stryker disable next-line CallExpression: a cache; reading the shim again writes the same file.
    shimTexts.set(language, text);
  }
  return text;
};

/** Writes the language's shim into `folder` (the invocation's scratch folder) and returns its path. */
export const writeShim = async (language: ShimLanguage, folder: string): Promise<string> => {
  const path = join(folder, LANGUAGE_SHIMS[language].fileName);
  await writeFile(path, await shimText(language), { mode: 0o600 });
  return path;
};
