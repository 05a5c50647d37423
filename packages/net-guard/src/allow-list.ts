import { inPrefix, parseIpLiteral, unmapIpv4, type IpAddress } from './ip-address';

/** HERALD_ALLOWED_PRIVATE_TARGETS parsed: CIDRs or single addresses (IPv4 and IPv6) and exact host names. */
export interface AllowList {
  allowsHost(hostname: string): boolean;
  allowsAddress(address: IpAddress): boolean;
  readonly isEmpty: boolean;
  /** How refusals name the list: `HERALD_ALLOWED_PRIVATE_TARGETS` (system) or an organization's `allowed_private_targets`. */
  readonly name: string;
}

export const SYSTEM_ALLOW_LIST_NAME = 'HERALD_ALLOWED_PRIVATE_TARGETS';
export const ORG_ALLOW_LIST_NAME = "the organization's allowed_private_targets";

interface Network {
  readonly network: IpAddress;
  readonly prefixLength: number;
}

/** An HERALD_ALLOWED_PRIVATE_TARGETS entry that is neither a CIDR, an IP address nor a host name. */
export class AllowListEntryError extends Error {
  /** The problem without the variable name, for callers that add it themselves (loadConfig's ConfigError). */
  readonly problem: string;

  constructor(
    readonly entry: string,
    listName = 'HERALD_ALLOWED_PRIVATE_TARGETS',
    problem = `'${entry}' is neither a CIDR, an IP address nor a host name`,
  ) {
    super(`${listName}: ${problem}`);
    this.name = 'AllowListEntryError';
    this.problem = problem;
  }
}

const HOST_NAME = /^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/;

/** Lower case, no brackets, no trailing dot: how names and literals are compared. */
export function normaliseHost(host: string): string {
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return unbracketed.toLowerCase().replace(/\.$/, '');
}

function parseNetwork(entry: string): Network {
  const [text = '', bits, extra] = entry.split('/');
  const network = parseIpLiteral(text);
  const maxBits = network?.version === 4 ? 32 : 128;
  const prefixLength = bits === undefined ? maxBits : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (network === undefined || extra !== undefined || !(prefixLength >= 0 && prefixLength <= maxBits)) {
    throw new AllowListEntryError(entry);
  }
  return { network, prefixLength };
}

function looksLikeAddress(entry: string): boolean {
  return entry.includes('/') || entry.includes(':') || parseIpLiteral(entry) !== undefined;
}

/** @throws AllowListEntryError naming the first entry that is neither a CIDR, an address nor a host name */
export function parseAllowList(entries: readonly string[], name = SYSTEM_ALLOW_LIST_NAME): AllowList {
  const networks: Network[] = [];
  const hosts = new Set<string>();
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    // An organization controls the DNS of its own names: a listed name could be pointed at loopback,
    // link-local or Herald's own services after it was granted. Its list takes addresses and CIDRs only.
    const orgList = name === ORG_ALLOW_LIST_NAME;
    if (orgList && !looksLikeAddress(entry)) {
      throw new AllowListEntryError(entry, name, `'${entry}' is not a CIDR or an IP address (host names are not accepted here)`);
    }
    if (looksLikeAddress(entry)) {
      try {
        networks.push(parseNetwork(entry));
      } catch (error) {
        if (orgList) throw new AllowListEntryError(entry, name, `'${entry}' is not a CIDR or an IP address`);
        throw error;
      }
    } else {
      const host = normaliseHost(entry);
      if (!HOST_NAME.test(host)) throw new AllowListEntryError(entry, name);
      hosts.add(host);
    }
  }
  return {
    name,
    isEmpty: networks.length === 0 && hosts.size === 0,
    allowsHost: (hostname) => hosts.has(normaliseHost(hostname)),
    allowsAddress(address) {
      const candidates = [address, unmapIpv4(address)].filter((a): a is IpAddress => a !== undefined);
      return networks.some((n) => candidates.some((a) => inPrefix(a, n.network, n.prefixLength)));
    },
  };
}

const cache = new WeakMap<readonly string[], AllowList>();

/** parseAllowList, remembered per array (configuration arrays live as long as the process). */
export function allowListOf(entries: readonly string[] | AllowList): AllowList {
  if (!Array.isArray(entries)) return entries as AllowList;
  const list = entries as readonly string[];
  let parsed = cache.get(list);
  if (parsed === undefined) {
    parsed = parseAllowList(list);
    cache.set(list, parsed);
  }
  return parsed;
}
