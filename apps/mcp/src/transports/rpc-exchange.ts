import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { isJSONRPCRequest, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { MessageTransport, type OutgoingMessage } from './message-transport.ts';

/**
 * Runs one stateless JSON-RPC exchange on a fresh server: hands it `messages` and resolves to
 * its answers to the requests among them, in their order (none for notifications alone).
 */
export const exchangeMessages = async (
  server: McpServer,
  messages: readonly JSONRPCMessage[],
): Promise<OutgoingMessage[]> => {
  const waiters = new Map<RequestId, (answer: OutgoingMessage) => void>();
  const transport = new MessageTransport((message) => {
    // Only answers are collected: a one-shot exchange has nowhere to send server notifications.
    if (('result' in message || 'error' in message) && message.id !== undefined && message.id !== null) {
      waiters.get(message.id)?.(message);
    }
  });
  await server.connect(transport);
  try {
    const answers = messages
      .filter(isJSONRPCRequest)
      .map((request) => new Promise<OutgoingMessage>((resolve) => waiters.set(request.id, resolve)));
    for (const message of messages) transport.onmessage?.(message);
    return await Promise.all(answers);
  } finally {
    await server.close();
  }
};
