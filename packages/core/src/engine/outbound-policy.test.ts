import { describe, expect, it } from 'vitest';
import { createOutboundPolicy, type HostResolver, isDeniedAddress } from './outbound-policy.ts';

const resolverOf =
  (answers: Readonly<Record<string, readonly string[]>>): HostResolver =>
  async (hostname) =>
    (answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('isDeniedAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fd00:ec2::254',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    '2002:7f00:1::1',
  ])('denies %s', (address) => expect(isDeniedAddress(address)).toBe(true));

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111', '64:ff9b::808:808'])('allows %s', (address) =>
    expect(isDeniedAddress(address)).toBe(false),
  );
});

describe('createOutboundPolicy', () => {
  it('refuses loopback, metadata addresses and the metadata host name by default', async () => {
    const policy = createOutboundPolicy({ allowedTargets: [] }, resolverOf({}));
    for (const url of [
      'http://127.0.0.1:8080/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'http://metadata.google.internal/computeMetadata/v1/',
    ])
      expect((await policy(new URL(url))).kind, url).toBe('denied');
  });

  it('refuses a name when any of its addresses is private, and pins the checked address otherwise', async () => {
    const policy = createOutboundPolicy(
      { allowedTargets: [] },
      resolverOf({ 'mixed.example': ['93.184.215.14', '127.0.0.1'], 'public.example': ['93.184.215.14'] }),
    );
    const mixed = await policy(new URL('http://mixed.example/'));
    expect(mixed.kind).toBe('denied');
    expect(mixed.kind === 'denied' && mixed.message).toContain('127.0.0.1');
    expect(await policy(new URL('https://public.example/x'))).toEqual({
      kind: 'allowed',
      target: { hostname: 'public.example', address: '93.184.215.14', family: 4 },
    });
  });

  it('lets the allow-list open addresses, ranges and host names', async () => {
    const policy = createOutboundPolicy(
      { allowedTargets: ['127.0.0.1', '10.0.0.0/8', 'Internal.Example'] },
      resolverOf({ 'internal.example': ['192.168.7.7'], 'other.example': ['192.168.7.8'] }),
    );
    expect((await policy(new URL('http://127.0.0.1:9/'))).kind).toBe('allowed');
    expect((await policy(new URL('http://10.9.8.7/'))).kind).toBe('allowed');
    expect((await policy(new URL('http://internal.example/'))).kind).toBe('allowed');
    expect((await policy(new URL('http://other.example/'))).kind).toBe('denied');
    expect((await policy(new URL('http://127.0.0.2/'))).kind).toBe('denied');
  });

  it('answers a name that does not resolve as a refusal, not a throw', async () => {
    const policy = createOutboundPolicy({ allowedTargets: [] }, async () => {
      throw new Error('ENOTFOUND');
    });
    expect((await policy(new URL('http://nowhere.example/'))).kind).toBe('denied');
  });
});
