import { allowedTriggerMethods, type TriggerHttpMethod } from '@tempo/contracts';

/** The parts of an HTTP trigger's `configuration` the form edits, as texts. */
export interface TriggerConfigurationForm {
  readonly allowedMethods: readonly TriggerHttpMethod[];
  /** Header rules as JSON text (`{}` when none). */
  readonly headers: string;
  /** The body's JSON Schema as text, empty when none. */
  readonly bodySchema: string;
}

/** The form's view of a stored configuration. */
export const configurationToForm = (configuration: string | null): TriggerConfigurationForm => {
  let parsed: { headers?: unknown; bodySchema?: unknown } = {};
  try {
    parsed = configuration ? (JSON.parse(configuration) as typeof parsed) : {};
  } catch {
    parsed = {};
  }
  return {
    allowedMethods: allowedTriggerMethods(configuration),
    headers: JSON.stringify(parsed.headers ?? {}, null, 2),
    bodySchema:
      parsed.bodySchema === undefined || parsed.bodySchema === null
        ? ''
        : JSON.stringify(parsed.bodySchema, null, 2),
  };
};

/** The stored `configuration` text (`{allowedMethods, headers, bodySchema}`); throws on JSON that does not parse. */
export const formToConfiguration = (form: TriggerConfigurationForm): string =>
  JSON.stringify({
    allowedMethods: form.allowedMethods,
    headers: form.headers.trim() === '' ? {} : JSON.parse(form.headers),
    bodySchema: form.bodySchema.trim() === '' ? null : JSON.parse(form.bodySchema),
  });
