import type { RawResponse } from '@tempo/client';
import { z } from 'zod';

/** What every REST-backed tool answers (spec §1.5): Tempo's answer, whatever its status. */
export const ToolEnvelope = z.object({
  /** HTTP status from Tempo. */
  statusCode: z.number().int(),
  /** True for a 2xx status. */
  success: z.boolean(),
  /** The answer's `content-type`, or null when it had none. */
  contentType: z.string().nullable(),
  /** Answer headers, names in lower case (trigger calls carry run metadata here). */
  headers: z.record(z.string(), z.string()),
  /** The parsed JSON body, or null when the body is not JSON. */
  body: z.unknown(),
  /** The raw text of a body that is not JSON (a `text/plain` download), else null. */
  text: z.string().nullable(),
});
export type ToolEnvelope = z.infer<typeof ToolEnvelope>;

const isJsonType = (contentType: string | null): boolean =>
  contentType !== null && /^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim());

/** The envelope of one REST answer: JSON bodies in `body`, every other body as text in `text`. */
export const envelopeOf = (answer: RawResponse): ToolEnvelope => {
  const contentType = answer.headers['content-type'] ?? null;
  const json = isJsonType(contentType);
  return {
    statusCode: answer.status,
    success: answer.status >= 200 && answer.status <= 299,
    contentType,
    headers: { ...answer.headers },
    body: json ? answer.body : null,
    text: json || answer.text === '' ? null : answer.text,
  };
};

/** An MCP tool result carrying `envelope`; a non-2xx answer is a tool error the model can read. */
export const toolResultOf = (envelope: ToolEnvelope) => ({
  content: [{ type: 'text' as const, text: JSON.stringify(envelope, null, 2) }],
  structuredContent: envelope,
  isError: !envelope.success,
});
