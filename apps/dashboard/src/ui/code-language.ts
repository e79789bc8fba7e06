/** Languages the code editor highlights. */
export const CODE_LANGUAGES = ['python', 'javascript', 'csharp', 'json', 'text'] as const;
/** One of {@link CODE_LANGUAGES}. */
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

const BY_EXTENSION: Readonly<Record<string, CodeLanguage>> = {
  py: 'python',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  ts: 'javascript',
  cs: 'csharp',
  csx: 'csharp',
  json: 'json',
};

/** The language of a file, from its extension; `text` when unknown. */
export const languageOfPath = (path: string): CodeLanguage => {
  const dot = path.lastIndexOf('.');
  if (dot < 0) return 'text';
  return BY_EXTENSION[path.slice(dot + 1).toLowerCase()] ?? 'text';
};
