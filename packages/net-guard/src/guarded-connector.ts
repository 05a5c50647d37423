import { createHash } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { allowListOf, parseAllowList, SYSTEM_ALLOW_LIST_NAME } from './allow-list';
import { checkResolvedAddresses, checkTarget, type DestinationPolicy } from './destination';
import { formatIp } from './ip-address';
import { resolveWithin, systemResolver } from './resolver';
import { SsrfBlockedError } from './ssrf-error';

export interface GuardedConnectorOptions extends DestinationPolicy {
  /** TCP + TLS handshake limit per address (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** TLS settings for every connection, e.g. `ca` for an on-premise certificate authority. */
  readonly connectOptions?: Pick<ConnectionOptions, 'ca' | 'minVersion' | 'ciphers'>;
}

// Worth trying the next checked address after these; a timeout is not (it would multiply the wait).
const NEXT_ADDRESS_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/**
 * An undici `connect` function that applies the SSRF guard to every new connection: scheme and
 * port, then the host's addresses (all of them must pass), then it connects to a checked address
 * itself, so a name that resolves differently a moment later (DNS rebinding) changes nothing.
 * TLS SNI and certificate checks use the host name; undici still sends the URL's Host header.
 * Refusals fail the request with an SsrfBlockedError (code HERALD_SSRF_BLOCKED).
 */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const connectToAddress = buildConnector({ ...options.connectOptions, timeout: options.connectTimeoutMs ?? 10_000 });
  const resolve = options.resolve ?? systemResolver;
  // Parsed once, up front (loadConfig has already refused a bad HERALD_ALLOWED_PRIVATE_TARGETS entry).
  const allowedPrivateTargets = allowListOf(options.allowedPrivateTargets);
  const lookupTimeoutMs = options.lookupTimeoutMs ?? 5_000;

  async function checkedAddresses(connect: buildConnector.Options): Promise<{ addresses: string[]; isLiteral: boolean }> {
    const target = checkTarget({ protocol: connect.protocol, hostname: connect.hostname, port: connect.port ?? '' }, allowedPrivateTargets);
    if (!target.ok) throw new SsrfBlockedError(target.code, target.reason);
    if (target.literal !== undefined) return { addresses: [formatIp(target.literal)], isLiteral: true };
    const resolved = await resolveWithin(resolve, connect.hostname, lookupTimeoutMs);
    const verdict = checkResolvedAddresses(connect.hostname, resolved, allowedPrivateTargets);
    if (!verdict.ok) throw new SsrfBlockedError(verdict.code, verdict.reason);
    return { addresses: verdict.addresses, isLiteral: false };
  }

  return (connect, callback) => {
    checkedAddresses(connect).then(
      ({ addresses, isLiteral }) => {
        const servername = connect.servername || (isLiteral ? undefined : connect.hostname);
        const attempt = (index: number) => {
          connectToAddress({ ...connect, hostname: addresses[index] ?? '', servername }, (error, socket) => {
            if (error === null) return callback(null, socket);
            const code = (error as { code?: string }).code;
            if (index + 1 < addresses.length && code !== undefined && NEXT_ADDRESS_CODES.has(code)) return attempt(index + 1);
            callback(error, null);
          });
        };
        attempt(0);
      },
      (error: Error) => callback(error, null),
    );
  };
}

/**
 * An undici Agent whose every connection goes through createGuardedConnector, for one-off
 * requests outside the worker (e.g. POST /v1/webhooks/:id/test). Use it with undici's `request`
 * as `dispatcher`; it never follows redirects. Close it when the server closes.
 */
export function createGuardedAgent(options: GuardedConnectorOptions): Agent {
  return new Agent({ connect: createGuardedConnector(options), connections: 8, keepAliveTimeout: 10_000 });
}

/** One network policy for the sender: its guarded connector, and an id naming the allow-list it applies. */
export interface GuardPolicy {
  /** Same allow-list, same id (a short hash; never the entries themselves). */
  readonly id: string;
  readonly connect: buildConnector.connector;
}

export interface GuardPolicies {
  /** The guard for an allow-list (system HERALD_ALLOWED_PRIVATE_TARGETS or an organization's own). */
  forList(entries: readonly string[], name?: string): GuardPolicy;
}

const MAX_CACHED_POLICIES = 1_000;

/**
 * Guarded connectors per allow-list, made once per distinct list and kept: every system or
 * organization scope with the same list shares one. A list with an entry that no longer parses is
 * applied as an empty list (fail closed): only public destinations.
 */
export function createGuardPolicies(options: Omit<GuardedConnectorOptions, 'allowedPrivateTargets'>): GuardPolicies {
  const cache = new Map<string, GuardPolicy>();
  return {
    forList(entries, name = SYSTEM_ALLOW_LIST_NAME) {
      const key = `${name}\n${entries.join('\n')}`;
      let policy = cache.get(key);
      if (policy === undefined) {
        let list;
        try {
          list = parseAllowList(entries, name);
        } catch {
          list = parseAllowList([], name);
        }
        if (cache.size >= MAX_CACHED_POLICIES) cache.clear();
        policy = {
          id: createHash('sha256').update(key).digest('base64url').slice(0, 16),
          connect: createGuardedConnector({ ...options, allowedPrivateTargets: list }),
        };
        cache.set(key, policy);
      }
      return policy;
    },
  };
}
