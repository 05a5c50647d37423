import { blockedRangeOf } from './address-ranges';
import { allowListOf, type AllowList } from './allow-list';
import { formatIp, parseIpLiteral, type IpAddress } from './ip-address';
import { resolveWithin, systemResolver, UnresolvableHostError, type HostResolver } from './resolver';

export type RejectionCode = 'invalid-url' | 'scheme' | 'credentials' | 'port' | 'blocked-address' | 'unresolvable';

export interface DestinationRejection {
  readonly ok: false;
  readonly code: RejectionCode;
  /** Says why, for a 422 or a delivery's recorded error; never contains the URL or the host name. */
  readonly reason: string;
}

export interface DestinationPolicy {
  /** HERALD_ALLOWED_PRIVATE_TARGETS: CIDRs / addresses (IPv4, IPv6) and host names. */
  readonly allowedPrivateTargets: readonly string[] | AllowList;
  /** Defaults to dns.lookup with all: true. */
  readonly resolve?: HostResolver;
  /** Limit for one resolution (default 5 s). */
  readonly lookupTimeoutMs?: number;
}

/** The parts of a destination the guard looks at; a URL or undici's connect options both provide them. */
export interface TargetParts {
  readonly protocol: string;
  readonly hostname: string;
  /** '' for the scheme's default. */
  readonly port: string;
}

export type TargetVerdict = { readonly ok: true; readonly literal: IpAddress | undefined } | DestinationRejection;

const reject = (code: RejectionCode, reason: string): DestinationRejection => ({ ok: false, code, reason });

/** Everything that can be judged without DNS: scheme, port, and the address when the host is an IP literal. */
export function checkTarget(target: TargetParts, allowedPrivateTargets: DestinationPolicy['allowedPrivateTargets']): TargetVerdict {
  const allow = allowListOf(allowedPrivateTargets);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return reject('scheme', 'must use https');
  if (target.port !== '') {
    const port = Number(target.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return reject('port', 'port is not valid');
    if (port < 1024 && port !== 80 && port !== 443) return reject('port', `port ${port} is not allowed (below 1024 only 80 and 443)`);
  }
  // Odd notations (0x7f.1, 2130706433, 017700000001, [::ffff:7f00:1]) are read the way the OS would.
  const literal = parseIpLiteral(target.hostname);
  const listed = literal === undefined ? allow.allowsHost(target.hostname) : allow.allowsAddress(literal);
  if (target.protocol === 'http:' && !listed) {
    return reject('scheme', `must use https (plain http only for targets in ${allow.name})`);
  }
  if (literal !== undefined) {
    const problem = addressProblem(literal, allow);
    if (problem !== null) return reject('blocked-address', problem);
  }
  return { ok: true, literal };
}

function addressProblem(address: IpAddress, allow: AllowList): string | null {
  const blocked = blockedRangeOf(address);
  if (blocked === null || allow.allowsAddress(address)) return null;
  return `the address is ${blocked.category} (${blocked.cidr}); only public addresses are allowed unless listed in ${allow.name}`;
}

/**
 * Judges what a host name resolved to: every address must be public, or allowed by address or by
 * host name. Returns the addresses to connect to (all of them checked).
 */
export function checkResolvedAddresses(
  hostname: string,
  resolved: readonly { address: string }[],
  allowedPrivateTargets: DestinationPolicy['allowedPrivateTargets'],
): { readonly ok: true; readonly addresses: string[] } | DestinationRejection {
  const allow = allowListOf(allowedPrivateTargets);
  if (resolved.length === 0) return reject('unresolvable', 'host name does not resolve');
  const hostAllowed = allow.allowsHost(hostname);
  const addresses: string[] = [];
  for (const { address } of resolved) {
    const parsed = parseIpLiteral(address);
    if (parsed === undefined) return reject('unresolvable', 'the resolver returned something that is not an IP address');
    if (!hostAllowed) {
      const problem = addressProblem(parsed, allow);
      if (problem !== null)
        return reject('blocked-address', `the host resolves to an address that is not allowed: ${problem.replace(/^the address is /, '')}`);
    }
    addresses.push(address);
  }
  return { ok: true, addresses };
}

export type DestinationVerdict =
  | {
      readonly ok: true;
      readonly url: URL;
      /** Checked addresses; empty when the name did not resolve (every send resolves and checks again). */
      readonly addresses: string[];
    }
  | DestinationRejection;

/** URL parsing plus checkTarget: no DNS. For synchronous save-time validation. */
export function checkDestinationSyntax(
  raw: string,
  allowedPrivateTargets: DestinationPolicy['allowedPrivateTargets'],
): { readonly ok: true; readonly url: URL; readonly literal: IpAddress | undefined } | DestinationRejection {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return reject('invalid-url', 'not a valid URL');
  }
  if (url.username !== '' || url.password !== '') return reject('credentials', 'must not contain credentials');
  const verdict = checkTarget(url, allowedPrivateTargets);
  return verdict.ok ? { ok: true, url, literal: verdict.literal } : verdict;
}

/**
 * The save-time SSRF check: syntax, then resolution of the host, then every address. A name that
 * does not resolve is reported as `unresolvable` (callers may accept it: every send checks again).
 */
export async function checkDestination(raw: string, policy: DestinationPolicy): Promise<DestinationVerdict> {
  const syntax = checkDestinationSyntax(raw, policy.allowedPrivateTargets);
  if (!syntax.ok) return syntax;
  const { url, literal } = syntax;
  if (literal !== undefined) return { ok: true, url, addresses: [formatIp(literal)] };
  let resolved;
  try {
    resolved = await resolveWithin(policy.resolve ?? systemResolver, url.hostname, policy.lookupTimeoutMs ?? 5_000);
  } catch (error) {
    if (error instanceof UnresolvableHostError) return reject('unresolvable', error.message);
    throw error;
  }
  const verdict = checkResolvedAddresses(url.hostname, resolved, policy.allowedPrivateTargets);
  return verdict.ok ? { ok: true, url, addresses: verdict.addresses } : verdict;
}
