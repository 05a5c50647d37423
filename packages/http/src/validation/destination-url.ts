import {
  allowListOf,
  checkDestination,
  checkDestinationSyntax,
  parseIpLiteral,
  type AllowList,
  type HostResolver,
} from '@herald/net-guard';
import { badRequest } from '../http-errors';

/**
 * Save-time check of a webhook URL without DNS: https (plain http only for targets in the webhook's
 * allow-list: HERALD_ALLOWED_PRIVATE_TARGETS for system webhooks, the organization's own otherwise), no credentials, no port below 1024 but 80/443, and IP literals
 * in any notation judged by address. Rejections are 422 naming the reason, under the body's
 * `field` that held the URL.
 */
export function validateDestinationUrl(raw: string, allowedPrivateTargets: readonly string[] | AllowList, field = 'url'): URL {
  const verdict = checkDestinationSyntax(raw, allowedPrivateTargets);
  if (!verdict.ok) throw badRequest([{ field, message: verdict.reason }], 422);
  return verdict.url;
}

/** What an organization admin is told when the SSRF guard refuses a destination: no address, no DNS detail. */
export const NETWORK_POLICY_REFUSAL = 'refused by the network policy';

/**
 * Who is told why a destination was refused: the operator (an admin) gets the reason (the address
 * and its range); a tenant (an organization admin) only NETWORK_POLICY_REFUSAL, so the guard does
 * not tell it which internal names exist or what they resolve to.
 */
export type RefusalAudience = 'operator' | 'tenant';

/**
 * The full save-time SSRF check: validateDestinationUrl plus resolution of the host name, every
 * address of which must be public or allowed. For the operator a name that does not resolve now is
 * accepted (the worker resolves and checks again at every send, and connects only to checked
 * addresses); for a tenant it is refused exactly as a private one is, so the answer does not tell
 * the two apart.
 */
export async function validateDestination(
  raw: string,
  allowedPrivateTargets: readonly string[] | AllowList,
  options: { field?: string; resolve?: HostResolver; audience?: RefusalAudience } = {},
): Promise<URL> {
  const field = options.field ?? 'url';
  const verdict = await checkDestination(raw, { allowedPrivateTargets, resolve: options.resolve });
  if (verdict.ok) return verdict.url;
  if (options.audience === 'tenant' && (verdict.code === 'blocked-address' || verdict.code === 'unresolvable')) {
    throw badRequest([{ field, message: NETWORK_POLICY_REFUSAL }], 422);
  }
  if (verdict.code === 'unresolvable') return validateDestinationUrl(raw, allowedPrivateTargets, field);
  throw badRequest([{ field, message: verdict.reason }], 422);
}

/** Host names match exactly; CIDRs (IPv4 and IPv6) match IP literals in any notation. */
export function isAllowedPrivateTarget(hostname: string, allowed: string[]): boolean {
  const list = allowListOf(allowed);
  const literal = parseIpLiteral(hostname);
  return literal === undefined ? list.allowsHost(hostname) : list.allowsAddress(literal);
}
