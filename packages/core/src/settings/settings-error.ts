/** Why settings could not be loaded: one line naming the file or variable and the field. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  /** Dotted path of the field, e.g. `database.port`; empty for a whole-file problem. */
  readonly field: string;
  /** The settings file or environment variable the bad value came from. */
  readonly source: string;

  constructor(message: string, field: string, source: string) {
    super(message);
    this.field = field;
    this.source = source;
  }
}
