import { inPrefix, parseIpLiteral, type IpAddress } from './ip-address';

/** Why an address is not a public destination. */
export type BlockedCategory =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared (CGNAT)'
  | 'unique-local'
  | 'multicast'
  | 'unspecified'
  | 'reserved'
  | 'broadcast'
  | 'documentation';

export interface BlockedRange {
  readonly category: BlockedCategory;
  /** CIDR text, e.g. `169.254.0.0/16`. */
  readonly cidr: string;
}

interface Range extends BlockedRange {
  readonly network: IpAddress;
  readonly prefixLength: number;
}

function range(cidr: string, category: BlockedCategory): Range {
  const [text = '', bits = ''] = cidr.split('/');
  const network = parseIpLiteral(text);
  if (network === undefined) throw new Error(`bad built-in range ${cidr}`);
  return { cidr, category, network, prefixLength: Number(bits) };
}

// More specific ranges first: the first match names the category.
const IPV4_RANGES: readonly Range[] = [
  range('255.255.255.255/32', 'broadcast'),
  range('0.0.0.0/32', 'unspecified'),
  range('0.0.0.0/8', 'reserved'), // "this network"
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'shared (CGNAT)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'), // includes the cloud metadata address 169.254.169.254
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved'), // IETF protocol assignments
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', 'reserved'), // deprecated 6to4 relay anycast
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'reserved'), // benchmarking
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

const IPV6_RANGES: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('::/96', 'reserved'), // deprecated IPv4-compatible addresses
  range('64:ff9b:1::/48', 'reserved'), // local-use NAT64
  range('100::/64', 'reserved'), // discard-only
  range('2001::/32', 'reserved'), // Teredo: hides an IPv4 address
  range('2001:db8::/32', 'documentation'),
  range('3fff::/20', 'documentation'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'private'), // deprecated site-local
  range('ff00::/8', 'multicast'),
];

const IPV4_MAPPED = range('::ffff:0:0/96', 'reserved');
const NAT64 = range('64:ff9b::/96', 'reserved');
const SIX_TO_FOUR = range('2002::/16', 'reserved');
const GLOBAL_UNICAST = range('2000::/3', 'reserved');

/** The IPv4 address an IPv6 address stands for (IPv4-mapped, NAT64 or 6to4) and the range that says so. */
export function embeddedIpv4(address: IpAddress): { ipv4: IpAddress; via: string } | undefined {
  if (address.version !== 6) return undefined;
  for (const wrapper of [IPV4_MAPPED, NAT64]) {
    if (inPrefix(address, wrapper.network, wrapper.prefixLength))
      return { ipv4: { version: 4, bytes: address.bytes.slice(12, 16) }, via: wrapper.cidr };
  }
  if (inPrefix(address, SIX_TO_FOUR.network, 16)) return { ipv4: { version: 4, bytes: address.bytes.slice(2, 6) }, via: SIX_TO_FOUR.cidr };
  return undefined;
}

/**
 * Why `address` is not a public unicast destination, or null when it is. IPv6 addresses that
 * carry an IPv4 address are judged by that address; IPv6 outside 2000::/3 is unallocated.
 */
export function blockedRangeOf(address: IpAddress): BlockedRange | null {
  const inner = embeddedIpv4(address);
  if (inner !== undefined) {
    const innerRange = blockedRangeOf(inner.ipv4);
    return innerRange === null ? null : { category: innerRange.category, cidr: `${innerRange.cidr} inside ${inner.via}` };
  }
  const ranges = address.version === 4 ? IPV4_RANGES : IPV6_RANGES;
  const found = ranges.find((r) => inPrefix(address, r.network, r.prefixLength));
  if (found) return { category: found.category, cidr: found.cidr };
  if (address.version === 6 && !inPrefix(address, GLOBAL_UNICAST.network, GLOBAL_UNICAST.prefixLength)) {
    return { category: 'reserved', cidr: 'outside 2000::/3' };
  }
  return null;
}
