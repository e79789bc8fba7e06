import { describe, expect, it } from 'vitest';
import { MessageTransport, type OutgoingMessage, parseMessages } from './message-transport.ts';

describe('parseMessages', () => {
  it('reads one message or a batch', () => {
    expect(parseMessages('{"jsonrpc":"2.0","id":1,"method":"ping"}')).toEqual({
      messages: [{ jsonrpc: '2.0', id: 1, method: 'ping' }],
    });
    const batch = parseMessages('[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"}]');
    expect('messages' in batch && batch.messages).toHaveLength(2);
  });

  it('answers text that is not JSON-RPC with the JSON-RPC error and a null id', () => {
    expect(parseMessages('{')).toEqual({
      error: { jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.any(String) } },
    });
    expect(parseMessages('{"id":1,"method":"ping"}')).toMatchObject({
      error: { id: null, error: { code: -32600 } },
    });
    expect(parseMessages('[1]')).toMatchObject({ error: { error: { code: -32600 } } });
  });
});

describe('MessageTransport', () => {
  it('hands received messages to the server and its answers to the channel, until closed', async () => {
    const delivered: OutgoingMessage[] = [];
    let channelClosed = false;
    const transport = new MessageTransport(
      (message) => delivered.push(message),
      () => {
        channelClosed = true;
      },
    );
    const received: unknown[] = [];
    transport.onmessage = (message) => received.push(message);
    let sessionClosed = 0;
    transport.onclose = () => {
      sessionClosed++;
    };
    transport.receive('{"jsonrpc":"2.0","id":1,"method":"ping"}');
    transport.receive('oops');
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, method: 'ping' }]);
    expect(delivered).toMatchObject([{ id: null, error: { code: -32700 } }]);
    await transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    expect(delivered).toHaveLength(2);
    await transport.close();
    await transport.close();
    expect(channelClosed).toBe(true);
    expect(sessionClosed).toBe(1);
    await expect(transport.send({ jsonrpc: '2.0', id: 2, result: {} })).rejects.toThrow(/closed/);
  });
});
