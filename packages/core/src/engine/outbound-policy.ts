import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Where a REST step's call may go: the operator's exceptions to the default denial. */
export interface OutboundPolicyOptions {
  /** Host names, IP addresses and CIDR ranges allowed although private (`runtimes.outboundRest.allowedTargets`). */
  readonly allowedTargets: readonly string[];
}

/** The address a call connects to, checked once and used for the connection itself. */
export interface PinnedTarget {
  /** The URL's host name as written (no IPv6 brackets), for `Host` and TLS server name. */
  readonly hostname: string;
  /** The checked IP address the socket connects to. */
  readonly address: string;
  readonly family: 4 | 6;
}

/** A checked target, or why the call may not be made (the message names no secret). */
export type OutboundDecision =
  | { readonly kind: 'allowed'; readonly target: PinnedTarget }
  | { readonly kind: 'denied'; readonly message: string };

/** Resolves a host name to its addresses (injectable so unit tests need no DNS). */
export type HostResolver = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

/**
 * Ranges no tenant step reaches unless the operator allows them: loopback, private, link-local
 * (where the cloud metadata services answer), carrier-grade NAT, multicast, reserved and
 * documentation ranges, and their IPv6 counterparts.
 */
const DENIED_RANGES: readonly (readonly [string, number, 'ipv4' | 'ipv6'])[] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const denied = new BlockList();
for (const [network, prefix, type] of DENIED_RANGES) denied.addSubnet(network, prefix, type);

/** Names of cloud metadata services, refused by name as well as by address. */
const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
]);

/** Expands an IPv6 address into its eight 16-bit groups. */
const ipv6Groups = (address: string): number[] => {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (value: string) =>
    value === '' ? [] : value.split(':').map((group) => Number.parseInt(group, 16));
  const front = part(head);
  const back = tail === undefined ? [] : part(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
};

const ipv4Of = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

/**
 * The IPv4 address an IPv6 address carries, where a route may deliver it to that IPv4 host:
 * mapped (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`).
 */
const embeddedIpv4 = (address: string): string | null => {
  const g = ipv6Groups(address);
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0) && !(g[5] === 0 && g[6] === 0))
    return ipv4Of(g[6] ?? 0, g[7] ?? 0);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return ipv4Of(g[6] ?? 0, g[7] ?? 0);
  if (g[0] === 0x2002) return ipv4Of(g[1] ?? 0, g[2] ?? 0);
  return null;
};

/** Whether an address is in a range tenant steps may not reach by default. */
export const isDeniedAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 4) return denied.check(address, 'ipv4');
  if (family !== 6) return true;
  const inner = embeddedIpv4(address);
  if (inner !== null && denied.check(inner, 'ipv4')) return true;
  return denied.check(address, 'ipv6');
};

/** The operator's allow-list, split into host names and address ranges. */
interface AllowList {
  readonly hosts: ReadonlySet<string>;
  readonly ranges: BlockList;
}

const normalHost = (hostname: string) => hostname.toLowerCase().replace(/\.$/, '');

const allowListOf = (entries: readonly string[]): AllowList => {
  const hosts = new Set<string>();
  const ranges = new BlockList();
  for (const entry of entries) {
    const [network = '', prefix] = entry.split('/');
    const family = isIP(network);
    if (family === 0) hosts.add(normalHost(entry));
    else if (prefix === undefined) ranges.addAddress(network, family === 4 ? 'ipv4' : 'ipv6');
    else ranges.addSubnet(network, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
  }
  return { hosts, ranges };
};

const inRanges = (ranges: BlockList, address: string) => {
  const family = isIP(address);
  if (family === 4) return ranges.check(address, 'ipv4');
  const inner = embeddedIpv4(address);
  return ranges.check(address, 'ipv6') || (inner !== null && ranges.check(inner, 'ipv4'));
};

const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * Decides where a REST step's call to `url` may connect. The host name is resolved once and
 * every address it resolves to must be allowed (so a name with one public and one private
 * address is refused); the caller connects to the returned address, never resolving the name
 * again, so a second DNS answer cannot swap in a private target between check and connect.
 */
export const createOutboundPolicy = (
  options: OutboundPolicyOptions,
  resolve: HostResolver = systemResolver,
) => {
  const allow = allowListOf(options.allowedTargets);
  const refusal = (hostname: string, reason: string): OutboundDecision => ({
    kind: 'denied',
    message:
      `Outbound call to "${hostname}" refused: ${reason}. An operator can allow it in ` +
      'runtimes.outboundRest.allowedTargets.',
  });
  return async (url: URL): Promise<OutboundDecision> => {
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const name = normalHost(hostname);
    const hostAllowed = allow.hosts.has(name);
    if (!hostAllowed && METADATA_HOSTS.has(name)) return refusal(hostname, 'it is a cloud metadata service');
    let addresses: readonly { address: string; family: number }[];
    if (isIP(hostname) !== 0) addresses = [{ address: hostname, family: isIP(hostname) }];
    else {
      try {
        addresses = await resolve(hostname);
      } catch {
        return {
          kind: 'denied',
          message: `Outbound call failed: the host name "${hostname}" could not be resolved.`,
        };
      }
    }
    const first = addresses[0];
    if (!first) return { kind: 'denied', message: `Outbound call failed: "${hostname}" has no address.` };
    if (!hostAllowed) {
      const blocked = addresses.find(
        ({ address }) => isDeniedAddress(address) && !inRanges(allow.ranges, address),
      );
      if (blocked)
        return refusal(
          hostname,
          blocked.address === hostname
            ? 'the address is private, loopback, link-local or reserved'
            : `it resolves to ${blocked.address}, a private, loopback, link-local or reserved address`,
        );
    }
    return {
      kind: 'allowed',
      target: { hostname, address: first.address, family: first.family === 6 ? 6 : 4 },
    };
  };
};

/** A policy check of one URL, as {@link createOutboundPolicy} builds it. */
export type OutboundPolicy = ReturnType<typeof createOutboundPolicy>;
