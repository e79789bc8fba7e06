/** The settings file being edited: one JSON text per top-level key, as the section cards show it. */
export type SettingsDraft = Readonly<Record<string, string>>;

/** One JSON text per top-level key of the file. */
export const draftOf = (settings: Readonly<Record<string, unknown>>): SettingsDraft =>
  Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, JSON.stringify(value, null, 2)]));

/** The keys whose text differs from what the server sent. */
export const changedKeys = (draft: SettingsDraft, loaded: SettingsDraft): string[] =>
  Object.keys(draft).filter((key) => draft[key] !== loaded[key]);

/** A draft that does not parse: which key, and the parser's message. */
export class DraftError extends Error {
  /** The top-level key whose text is not JSON. */
  readonly key: string;

  constructor(key: string, message: string) {
    super(message);
    this.name = 'DraftError';
    this.key = key;
  }
}

/**
 * The whole file to save. A save replaces the file (keys left out take their defaults), so every
 * key is sent back, changed or not, secrets as the `****` the server sent.
 */
export const fileOf = (draft: SettingsDraft): Record<string, unknown> => {
  const file: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(draft)) {
    try {
      file[key] = JSON.parse(text);
    } catch (error) {
      throw new DraftError(key, error instanceof Error ? error.message : String(error));
    }
  }
  return file;
};
