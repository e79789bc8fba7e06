import { TempoError } from '@tempo/contracts';

/** The errors of the run input limit. */
export const RunInputErrors = {
  tooLarge: (bytes: number, limitBytes: number) =>
    new TempoError(
      'PayloadTooLarge',
      413,
      `The run's input is ${bytes} bytes, more than the ${limitBytes} bytes this server accepts (engine.maxRunInputBytes); send a smaller one.`,
      { bytes, limitBytes },
    ),
} as const;

/**
 * Refuses a run whose stored input (its data and its metadata, as JSON text) is over
 * `engine.maxRunInputBytes` UTF-8 bytes, so that no caller can store more per run than the
 * operator allows. A UTF-16 unit is at most three UTF-8 bytes, so short texts are not measured.
 */
export const assertRunInputWithin = (
  limitBytes: number,
  inputData: string | null,
  metadataJson: string | null,
): void => {
  const units = (inputData?.length ?? 0) + (metadataJson?.length ?? 0);
  if (units * 3 <= limitBytes) return;
  const bytes =
    (inputData ? Buffer.byteLength(inputData) : 0) + (metadataJson ? Buffer.byteLength(metadataJson) : 0);
  if (bytes > limitBytes) throw RunInputErrors.tooLarge(bytes, limitBytes);
};
