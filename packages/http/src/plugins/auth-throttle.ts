import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { apiTokenPrefixOf } from '@herald/crypto';
import { formatIp, parseIpLiteral, unmapIpv4 } from '@herald/net-guard';

// Failed authentications are counted in fixed windows per client address and per token prefix.
// Both counters live in Redis, so every API process sees the same counts.

const CHECK = `
local limit = tonumber(ARGV[1])
local address = tonumber(redis.call('GET', KEYS[1]) or '0')
if address >= limit then return redis.call('PTTL', KEYS[1]) end
local prefix = tonumber(redis.call('GET', KEYS[2]) or '0')
if prefix >= limit and address > 0 then return redis.call('PTTL', KEYS[2]) end
return -3
`;

const RECORD = `
local counts = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  counts[i] = n
end
return counts
`;

export interface AuthThrottleOptions {
  redis: Redis;
  /** e.g. the queue prefix, so the keys share the Redis Cluster slot of every other Herald key. */
  keyPrefix: string;
  /** Failures allowed per address (and per token prefix) in one window. */
  failures: number;
  windowSeconds: number;
  /** Called once when a counter reaches the limit (the moment throttling starts). */
  onLimitReached?(what: { client: string; tokenPrefix: string | null; by: 'address' | 'token_prefix' }): void;
  /** Redis failures let requests through (fail open) and are reported here. */
  onRedisError?(error: unknown): void;
}

export interface AuthThrottle {
  /** Seconds to wait before this client may try `secret`; null when it may try now. */
  retryAfter(clientAddress: string, secret: string): Promise<number | null>;
  /** Counts one failed authentication for the address and the secret's prefix. */
  recordFailure(clientAddress: string, secret: string): Promise<void>;
}

/**
 * The address a client is counted under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64,
 * which one host or household usually holds in full.
 */
export function throttledClientOf(address: string): string {
  const parsed = parseIpLiteral(address);
  if (!parsed) return address;
  const ip = unmapIpv4(parsed) ?? parsed;
  if (ip.version === 4) return formatIp(ip);
  const network = new Uint8Array(16);
  network.set(ip.bytes.subarray(0, 8));
  return `${formatIp({ version: 6, bytes: network })}/64`;
}

/** A Herald token's public prefix (`hrld_` + 5 characters) may be logged; other secrets' characters never are. */
export function loggablePrefixOf(secret: string): string | null {
  const prefix = apiTokenPrefixOf(secret);
  return /^hrld_[A-Za-z0-9_-]{5}$/.test(prefix) ? prefix : null;
}

export function createAuthThrottle(options: AuthThrottleOptions): AuthThrottle {
  const windowMs = options.windowSeconds * 1000;
  const keysOf = (clientAddress: string, secret: string): [string, string] => {
    const client = throttledClientOf(clientAddress);
    // Only a digest of the prefix goes to Redis: a mistyped secret's first characters stay private.
    const prefixDigest = createHash('sha256')
      .update(`herald-auth-prefix:${apiTokenPrefixOf(secret)}`)
      .digest('hex')
      .slice(0, 24);
    return [`${options.keyPrefix}:auth-fail:addr:${client}`, `${options.keyPrefix}:auth-fail:prefix:${prefixDigest}`];
  };
  return {
    async retryAfter(clientAddress, secret) {
      try {
        const ms = (await options.redis.eval(CHECK, 2, ...keysOf(clientAddress, secret), String(options.failures))) as number;
        if (ms === -3) return null;
        // -1/-2: the key lost its expiry or vanished between the reads; wait a whole window to be safe.
        return Math.max(1, Math.ceil((ms > 0 ? ms : windowMs) / 1000));
      } catch (error) {
        options.onRedisError?.(error);
        return null;
      }
    },
    async recordFailure(clientAddress, secret) {
      try {
        const [address, prefix] = (await options.redis.eval(RECORD, 2, ...keysOf(clientAddress, secret), String(windowMs))) as [
          number,
          number,
        ];
        const what = { client: throttledClientOf(clientAddress), tokenPrefix: loggablePrefixOf(secret) };
        if (address === options.failures) options.onLimitReached?.({ ...what, by: 'address' });
        if (prefix === options.failures) options.onLimitReached?.({ ...what, by: 'token_prefix' });
      } catch (error) {
        options.onRedisError?.(error);
      }
    },
  };
}
