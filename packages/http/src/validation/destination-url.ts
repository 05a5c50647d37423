import { isIP } from 'node:net';
import { badRequest } from '../http-errors';

/**
 * Save-time check of a webhook URL: https, no credentials in it; plain http only for targets
 * listed in HERALD_ALLOWED_PRIVATE_TARGETS. (The full SSRF guard with address resolution runs
 * again at every send.)
 */
export function validateDestinationUrl(raw: string, allowedPrivateTargets: string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest([{ field: 'url', message: 'not a valid URL' }], 422);
  }
  if (url.username || url.password) throw badRequest([{ field: 'url', message: 'must not contain credentials' }], 422);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badRequest([{ field: 'url', message: 'must use https' }], 422);
  if (url.protocol === 'http:' && !isAllowedPrivateTarget(url.hostname, allowedPrivateTargets)) {
    throw badRequest([{ field: 'url', message: 'must use https (plain http only for targets in HERALD_ALLOWED_PRIVATE_TARGETS)' }], 422);
  }
  return url;
}

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
}

/** Host names match exactly; CIDRs match IPv4 literals. */
export function isAllowedPrivateTarget(hostname: string, allowed: string[]): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return allowed.some((entry) => {
    const [network, bits] = entry.split('/');
    if (bits === undefined || !network) return entry.toLowerCase() === host;
    if (isIP(host) !== 4 || isIP(network) !== 4) return network === host;
    const prefix = Number(bits);
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    return (ipv4ToInt(host) & mask) === (ipv4ToInt(network) & mask);
  });
}
