import type { IncomingMessage } from 'node:http';

/** Largest JSON-RPC message or batch accepted on any channel, in bytes. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The request body as text, or null when it is larger than {@link MAX_MESSAGE_BYTES}. */
export const readBody = async (request: IncomingMessage): Promise<string | null> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_MESSAGE_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};
