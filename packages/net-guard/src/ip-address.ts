import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
}

const MAX_BY_PART_COUNT: Record<number, number[]> = {
  // inet_aton: the last part fills all the remaining bytes (a.b.c.d, a.b.c16, a.b24, a32).
  1: [0xffffffff],
  2: [0xff, 0xffffff],
  3: [0xff, 0xff, 0xffff],
  4: [0xff, 0xff, 0xff, 0xff],
};

function parseInetAtonPart(part: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]*$/.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return undefined;
}

/**
 * IPv4 in any notation inet_aton (and so getaddrinfo and WHATWG URL) accepts: dotted decimal,
 * octal (`0177.0.0.1`), hex (`0x7f.1`), fewer parts (`127.1`) or one number (`2130706433`).
 * A single trailing dot is allowed, as in URLs.
 */
export function parseIpv4Loose(text: string): IpAddress | undefined {
  const trimmed = text.endsWith('.') ? text.slice(0, -1) : text;
  const parts = trimmed.split('.');
  const limits = MAX_BY_PART_COUNT[parts.length];
  if (limits === undefined) return undefined;
  const values: number[] = [];
  for (const [index, part] of parts.entries()) {
    const value = parseInetAtonPart(part);
    if (value === undefined || !Number.isFinite(value) || value > (limits[index] ?? 0)) return undefined;
    values.push(value);
  }
  const last = values.pop() ?? 0;
  let number = 0;
  values.forEach((value, index) => {
    number += value * 2 ** (8 * (3 - index));
  });
  number += last;
  const bytes = new Uint8Array([(number >>> 24) & 0xff, (number >>> 16) & 0xff, (number >>> 8) & 0xff, number & 0xff]);
  return { version: 4, bytes };
}

function parseIpv6(text: string): IpAddress | undefined {
  if (!isIPv6(text)) return undefined;
  let head = text;
  const tailBytes: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    if (!isIPv4(dotted[1])) return undefined;
    tailBytes.push(...dotted[1].split('.').map(Number));
    head = `${text.slice(0, dotted.index)}:${'0:0'}`; // placeholder groups, replaced below
  }
  const [left = '', right] = head.split('::');
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const missing = 8 - leftGroups.length - rightGroups.length;
  if (right === undefined ? missing !== 0 : missing < 0) return undefined;
  const groups = [...leftGroups, ...Array<string>(right === undefined ? 0 : missing).fill('0'), ...rightGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    const value = parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  if (tailBytes.length === 4) bytes.set(tailBytes, 12);
  return { version: 6, bytes };
}

/**
 * An IP literal as a URL or a resolver may present it: IPv6 with or without brackets, IPv4 in any
 * inet_aton notation. Undefined for host names.
 */
export function parseIpLiteral(host: string): IpAddress | undefined {
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (unbracketed.includes(':')) return parseIpv6(unbracketed.replace(/%.*$/, ''));
  return parseIpv4Loose(unbracketed);
}

/** Canonical text: dotted decimal, or RFC 5952 IPv6 (as Node prints it). */
export function formatIp(address: IpAddress): string {
  if (address.version === 4) return Array.from(address.bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((address.bytes[i] ?? 0) << 8) | (address.bytes[i + 1] ?? 0));
  // Longest run (at least two) of zero groups becomes '::'.
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), else undefined. */
export function unmapIpv4(address: IpAddress): IpAddress | undefined {
  if (address.version !== 6) return undefined;
  const b = address.bytes;
  for (let i = 0; i < 10; i += 1) if (b[i] !== 0) return undefined;
  if (b[10] !== 0xff || b[11] !== 0xff) return undefined;
  return { version: 4, bytes: b.slice(12, 16) };
}

/** Whether the first `prefixLength` bits of two same-version addresses agree. */
export function inPrefix(address: IpAddress, network: IpAddress, prefixLength: number): boolean {
  if (address.version !== network.version) return false;
  const fullBytes = Math.floor(prefixLength / 8);
  for (let i = 0; i < fullBytes; i += 1) if (address.bytes[i] !== network.bytes[i]) return false;
  const remainingBits = prefixLength % 8;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return ((address.bytes[fullBytes] ?? 0) & mask) === ((network.bytes[fullBytes] ?? 0) & mask);
}
