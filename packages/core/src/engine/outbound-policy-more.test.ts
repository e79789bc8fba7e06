import { describe, expect, it } from 'vitest';
import { createOutboundPolicy, type HostResolver, isDeniedAddress } from './outbound-policy.ts';

// The outbound policy's edges: every denied range, addresses carried inside IPv6 ones, the
// metadata host names, and the exact refusals a step's error shows.

const resolverOf =
  (answers: Readonly<Record<string, readonly string[]>>): HostResolver =>
  async (hostname) =>
    (answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('isDeniedAddress: every range', () => {
  it.each([
    '0.1.2.3',
    '100.64.0.1',
    '100.127.255.254',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.168.255.255',
    '198.18.0.1',
    '198.19.255.255',
    '198.51.100.7',
    '203.0.113.9',
    '239.255.255.250',
    '100::1',
    '2001:db8::1',
    'fc00::1',
    'fdff::1',
    'febf::1',
    'fec0::1',
    'ff02::1',
    '::127.0.0.1',
    '2002:a00:1::',
    'not an address',
  ])('denies %s', (address) => expect(isDeniedAddress(address)).toBe(true));

  it.each([
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.0.1.1',
    '192.169.0.1',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '::8.8.8.8',
    '2002:808:808::1',
    '64:ff9b:1::a9fe:a9fe',
    '2001:db9::1',
    'fe00::1',
  ])('allows %s', (address) => expect(isDeniedAddress(address)).toBe(false));
});

describe('createOutboundPolicy: names and messages', () => {
  it.each(['metadata.goog', 'metadata', 'METADATA.google.internal.'])(
    'refuses the metadata host %s by name, whatever it resolves to',
    async (host) => {
      const policy = createOutboundPolicy({ allowedTargets: [] }, async () => [
        { address: '8.8.8.8', family: 4 },
      ]);
      expect(await policy(new URL(`http://${host}/`))).toEqual({
        kind: 'denied',
        message: `Outbound call to "${host.toLowerCase()}" refused: it is a cloud metadata service. An operator can allow it in runtimes.outboundRest.allowedTargets.`,
      });
    },
  );

  it('lets an operator allow a metadata host name, and any address it resolves to', async () => {
    const policy = createOutboundPolicy(
      { allowedTargets: ['metadata.'] },
      resolverOf({ metadata: ['169.254.169.254'] }),
    );
    expect(await policy(new URL('http://metadata/'))).toEqual({
      kind: 'allowed',
      target: { hostname: 'metadata', address: '169.254.169.254', family: 4 },
    });
  });

  it('says whether the address was written or resolved', async () => {
    const policy = createOutboundPolicy(
      { allowedTargets: [] },
      resolverOf({ 'inside.example': ['10.0.0.5'] }),
    );
    expect(await policy(new URL('http://10.0.0.5/'))).toEqual({
      kind: 'denied',
      message:
        'Outbound call to "10.0.0.5" refused: the address is private, loopback, link-local or reserved. An operator can allow it in runtimes.outboundRest.allowedTargets.',
    });
    expect(await policy(new URL('http://inside.example/'))).toEqual({
      kind: 'denied',
      message:
        'Outbound call to "inside.example" refused: it resolves to 10.0.0.5, a private, loopback, link-local or reserved address. An operator can allow it in runtimes.outboundRest.allowedTargets.',
    });
  });

  it('refuses a name without addresses, or one that does not resolve, with the reason', async () => {
    const empty = createOutboundPolicy({ allowedTargets: [] }, resolverOf({}));
    expect(await empty(new URL('http://empty.example/'))).toEqual({
      kind: 'denied',
      message: 'Outbound call failed: "empty.example" has no address.',
    });
    const failing = createOutboundPolicy({ allowedTargets: [] }, async () => {
      throw new Error('ENOTFOUND');
    });
    expect(await failing(new URL('http://gone.example/'))).toEqual({
      kind: 'denied',
      message: 'Outbound call failed: the host name "gone.example" could not be resolved.',
    });
  });

  it('pins an IPv6 target without its brackets, and as family 6', async () => {
    const policy = createOutboundPolicy(
      { allowedTargets: [] },
      resolverOf({ 'six.example': ['2606:4700::1111'] }),
    );
    expect(await policy(new URL('http://[2606:4700::1111]:8080/'))).toEqual({
      kind: 'allowed',
      target: { hostname: '2606:4700::1111', address: '2606:4700::1111', family: 6 },
    });
    expect(await policy(new URL('http://six.example/'))).toMatchObject({ target: { family: 6 } });
  });

  it('opens IPv6 addresses and ranges, and IPv4 ranges for addresses carried in IPv6', async () => {
    const policy = createOutboundPolicy(
      { allowedTargets: ['::1', 'fd00::/8', '127.0.0.0/8'] },
      resolverOf({}),
    );
    expect((await policy(new URL('http://[::1]/'))).kind).toBe('allowed');
    expect((await policy(new URL('http://[fd12::1]/'))).kind).toBe('allowed');
    expect((await policy(new URL('http://[::ffff:127.0.0.1]/'))).kind).toBe('allowed');
    expect((await policy(new URL('http://[fe80::1]/'))).kind).toBe('denied');
  });
});
