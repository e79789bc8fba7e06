import { TempoApiError } from '@tempo/client';
import { expect } from 'vitest';

/** Awaits a client call that must fail, and checks its HTTP status and error code. */
export const expectApiError = async (
  call: Promise<unknown>,
  statusCode: number,
  code?: string,
): Promise<TempoApiError> => {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected HTTP ${statusCode}`).toBeInstanceOf(TempoApiError);
  const apiError = error as TempoApiError;
  expect({ statusCode: apiError.statusCode, code: apiError.code }).toMatchObject({
    statusCode,
    ...(code ? { code } : {}),
  });
  return apiError;
};
