import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';

/** JSON-RPC's "parse error" and "invalid request" codes. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

/** The JSON-RPC answer to text that is not a valid message: its id is null, as JSON-RPC 2.0 says. */
export interface MalformedMessageAnswer {
  readonly jsonrpc: '2.0';
  readonly id: null;
  readonly error: { readonly code: number; readonly message: string };
}

/** What a channel carries back to the client: server messages and answers to malformed text. */
export type OutgoingMessage = JSONRPCMessage | MalformedMessageAnswer;

const malformedMessageError = (code: number, message: string): MalformedMessageAnswer => ({
  jsonrpc: '2.0',
  id: null,
  error: { code, message },
});

/**
 * The messages in `text` (one JSON-RPC message or a batch), or the error to answer with when it
 * is not JSON or not JSON-RPC.
 */
export const parseMessages = (
  text: string,
): { readonly messages: JSONRPCMessage[] } | { readonly error: MalformedMessageAnswer } => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: malformedMessageError(PARSE_ERROR, 'Parse error: the message is not JSON.') };
  }
  const items = Array.isArray(json) ? json : [json];
  const messages: JSONRPCMessage[] = [];
  for (const item of items) {
    const parsed = JSONRPCMessageSchema.safeParse(item);
    if (!parsed.success) {
      return {
        error: malformedMessageError(INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 message.'),
      };
    }
    messages.push(parsed.data);
  }
  return { messages };
};

/**
 * An MCP transport over any channel that carries whole messages (a WebSocket, a TCP line, one
 * HTTP exchange): the channel hands in text with {@link MessageTransport.receive}, and every
 * message the server sends goes to `deliver`.
 */
export class MessageTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #deliver: (message: OutgoingMessage) => void;
  readonly #closeChannel: () => void;
  #closed = false;

  constructor(deliver: (message: OutgoingMessage) => void, closeChannel: () => void = () => {}) {
    this.#deliver = deliver;
    this.#closeChannel = closeChannel;
  }

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) throw new Error('the MCP session is closed.');
    this.#deliver(message);
  }

  /** Hands one text message (or batch) from the channel to the server; bad text is answered. */
  receive(text: string): void {
    const parsed = parseMessages(text);
    if ('error' in parsed) {
      this.#deliver(parsed.error);
      return;
    }
    this.receiveMessages(parsed.messages);
  }

  /** Hands messages the channel has already parsed to the server. */
  receiveMessages(messages: readonly JSONRPCMessage[]): void {
    for (const message of messages) this.onmessage?.(message);
  }

  /** The channel went away: the session ends. */
  channelClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onclose?.();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeChannel();
    this.onclose?.();
  }
}
