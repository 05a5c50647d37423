import { createHash } from 'node:crypto';
import { defaultRateLimit, destinationOf, pacingIdentity } from '@herald/core';
import type { Redis } from 'ioredis';
import type { EndpointRateLimit, ResolvedWebhook } from '@herald/routing';
import type { EndpointLimiter, Reservation, WaitReason } from './endpoint-limiter';

/** The pace of a webhook that sets none: its service's (see defaultRateLimit in @herald/core). */
export function defaultRateLimitOf(webhook: Pick<ResolvedWebhook, 'type' | 'url' | 'target'>): EndpointRateLimit | null {
  return defaultRateLimit(webhook.type, webhook.url, { groupChat: webhook.target.groupChat });
}

/**
 * One atomic step per delivery: honour pauses (429), cap requests in flight to the endpoint,
 * and reserve the next free rate slot, answering how far away it is, so a delivery over the
 * limit waits for its own slot instead of retrying in a loop.
 *
 * Rate modes: `window` keeps the reserved slot times of the last interval (a sliding log) and
 * never lets more than `limit` fall inside any `interval`; `bucket` is GCRA (a token bucket
 * kept as one timestamp) for limits with a burst larger than the sustained rate.
 *
 * In-flight caps: at most `max in flight` leases per endpoint (scheme, host, port and path: query
 * variants of one URL share it) and at most `max host in flight` per host:port across its
 * endpoints, except that an endpoint with nothing in flight may always send one request, so
 * endpoints hung on a host cannot starve a healthy one beside them. In flight to one host:port is
 * thus at most the host cap plus the number of its endpoints (the per-organization webhook cap
 * bounds those). Leases are sorted-set members scored by their expiry: a dead worker's lapse.
 *
 * KEYS: rate key, endpoint pause, host pause, endpoint in-flight leases, host in-flight leases.
 * ARGV: now, mode, interval, limit, burst, lease id, lease ttl, max in flight, holds slot, busy wait,
 *       max host in flight.
 */
const RESERVE_SCRIPT = `
local now = tonumber(ARGV[1])
local mode = ARGV[2]
local interval = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local burst = tonumber(ARGV[5])
local lease = ARGV[6]
local lease_ttl = tonumber(ARGV[7])
local max_in_flight = tonumber(ARGV[8])
local holds_slot = ARGV[9] == '1'

local pause_until = 0
for i = 2, 3 do
  local p = tonumber(redis.call('GET', KEYS[i]) or '0')
  if p > pause_until then pause_until = p end
end
if pause_until > now then
  return {math.ceil(pause_until - now), 'paused'}
end

local max_host = tonumber(ARGV[11])
if max_in_flight > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  if max_host > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now) end
  if not redis.call('ZSCORE', KEYS[4], lease) then
    local mine = redis.call('ZCARD', KEYS[4])
    -- The host cap never holds back an endpoint's first request.
    if mine >= max_in_flight or (max_host > 0 and mine > 0 and redis.call('ZCARD', KEYS[5]) >= max_host) then
      -- Look again after about as long as the endpoint's oldest request has been running: soon
      -- for a fast endpoint, up to the busy wait for a slow one.
      local oldest = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
      local age = now - (tonumber(oldest[2]) - lease_ttl)
      local wait = tonumber(ARGV[10])
      if age < wait then wait = age end
      if wait < 50 then wait = 50 end
      return {math.ceil(wait), 'busy'}
    end
  end
end

local wait = 0
if not holds_slot and mode == 'window' then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - interval)
  local at = now
  if redis.call('ZCARD', KEYS[1]) >= limit then
    local nth = redis.call('ZREVRANGE', KEYS[1], limit - 1, limit - 1, 'WITHSCORES')
    local free_at = tonumber(nth[2]) + interval
    if free_at > at then at = free_at end
  end
  redis.call('ZADD', KEYS[1], at, lease .. ':' .. at)
  redis.call('PEXPIRE', KEYS[1], math.ceil(at - now + interval) + 1000)
  wait = at - now
elseif not holds_slot and mode == 'bucket' then
  local emission = interval / limit
  local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
  if tat < now then tat = now end
  local allow_at = tat - (burst - 1) * emission
  if allow_at < now then allow_at = now end
  local new_tat = tat + emission
  redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(new_tat - now + emission * burst) + 1000)
  wait = allow_at - now
end
if wait > 0 then
  return {math.ceil(wait), 'rate'}
end

if max_in_flight > 0 then
  redis.call('ZADD', KEYS[4], now + lease_ttl, lease)
  redis.call('PEXPIRE', KEYS[4], lease_ttl + 1000)
  if max_host > 0 then
    redis.call('ZADD', KEYS[5], now + lease_ttl, lease)
    redis.call('PEXPIRE', KEYS[5], lease_ttl + 1000)
  end
end
return {0, 'ok'}
`;

/** KEYS: endpoint in-flight leases, host in-flight leases. ARGV: lease id. */
const RELEASE_SCRIPT = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

const PAUSE_SCRIPT = `
local until_ms = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then
  redis.call('SET', KEYS[1], until_ms, 'PX', math.ceil(tonumber(ARGV[2])) + 1000)
end
return 1
`;

export interface RedisEndpointLimiterOptions {
  redis: Redis;
  prefix: string;
  /** Off for benchmarks: every reservation answers "now" and nothing is capped. */
  enabled: boolean;
  now: () => number;
  /** Requests in flight to one endpoint (see `endpointOf`) across all workers; 0 for no cap. */
  maxInFlight: number;
  /**
   * Requests in flight to one host:port across all its endpoints and workers; 0 for no cap (only
   * with `maxInFlight`). An endpoint with nothing in flight may always send one beyond it.
   */
  maxHostInFlight?: number;
  /** How long an in-flight lease lasts if its worker dies without releasing it (longer than any request). */
  leaseTtlMs: number;
  /**
   * A delivery finding its endpoint at the in-flight cap looks again after as long as the
   * oldest request there has been running (at least 50 ms), at most this long.
   */
  busyWaitMs?: number;
}

/** Keys use a hash of the URL: Redis never holds a webhook URL in clear. */
export function endpointKey(url: string): string {
  return createHash('sha256').update(url).digest('base64url').slice(0, 22);
}

type RateMode = { mode: 'none' } | { mode: 'window' | 'bucket'; intervalMs: number; limit: number; burst: number };

/** A burst larger than the sustained limit needs a token bucket; otherwise the exact sliding window. */
export function rateModeFor(limit: EndpointRateLimit | null): RateMode {
  if (!limit || !(limit.limit >= 1) || !(limit.intervalMs > 0)) return { mode: 'none' };
  const burst = Math.max(1, Math.floor(limit.burst ?? limit.limit));
  return burst > limit.limit
    ? { mode: 'bucket', intervalMs: limit.intervalMs, limit: limit.limit, burst }
    : { mode: 'window', intervalMs: limit.intervalMs, limit: Math.floor(limit.limit), burst };
}

/** The limiter's scripts as ioredis commands: sent once, then run by hash (EVALSHA), not re-sent per delivery. */
interface LimiterCommands {
  heraldReserveSlot(...args: (string | number)[]): Promise<[number, string]>;
  heraldPauseEndpoint(...args: (string | number)[]): Promise<number>;
  heraldReleaseLease(...args: (string | number)[]): Promise<number>;
}

function withLimiterCommands(redis: Redis): Redis & LimiterCommands {
  const commands = redis as Redis & Partial<LimiterCommands>;
  if (!commands.heraldReserveSlot) redis.defineCommand('heraldReserveSlot', { numberOfKeys: 5, lua: RESERVE_SCRIPT });
  if (!commands.heraldReleaseLease) redis.defineCommand('heraldReleaseLease', { numberOfKeys: 2, lua: RELEASE_SCRIPT });
  if (!commands.heraldPauseEndpoint) redis.defineCommand('heraldPauseEndpoint', { numberOfKeys: 1, lua: PAUSE_SCRIPT });
  return redis as Redis & LimiterCommands;
}

export function createRedisEndpointLimiter(options: RedisEndpointLimiterOptions): EndpointLimiter {
  const { prefix, now } = options;
  const redis = withLimiterCommands(options.redis);
  const busyWaitMs = options.busyWaitMs ?? 1_000;
  const maxHostInFlight = options.maxHostInFlight ?? 0;
  const keys = (webhook: ResolvedWebhook, mode: string) => {
    // The caps follow where requests go (the channel's request URL), not the exact URL string saved.
    const destination = destinationOf(webhook.target.requestUrl || webhook.url);
    // Pacing follows the service's identity of the webhook.
    const paced = endpointKey(pacingIdentity(webhook.type, webhook.url));
    return {
      rate: `${prefix}:rl:${mode}:${paced}`,
      endpointPause: `${prefix}:pause:${paced}`,
      // A service-wide pause (Discord's global 429) holds every webhook on the saved URL's host.
      hostPause: `${prefix}:pause-host:${endpointKey(destinationOf(webhook.url).hostPort)}`,
      inFlight: `${prefix}:inflight:${endpointKey(destination.endpoint)}`,
      hostInFlight: `${prefix}:inflight-host:${endpointKey(destination.hostPort)}`,
    };
  };
  return {
    async reserve(webhook, { leaseId, holdsSlot }): Promise<Reservation> {
      if (!options.enabled) return { waitMs: 0 };
      const rate = rateModeFor(webhook.rateLimit ?? defaultRateLimitOf(webhook));
      const k = keys(webhook, rate.mode);
      const [wait, reason] = await redis.heraldReserveSlot(
        k.rate,
        k.endpointPause,
        k.hostPause,
        k.inFlight,
        k.hostInFlight,
        now(),
        rate.mode,
        rate.mode === 'none' ? 0 : rate.intervalMs,
        rate.mode === 'none' ? 0 : rate.limit,
        rate.mode === 'none' ? 1 : rate.burst,
        leaseId,
        options.leaseTtlMs,
        options.maxInFlight,
        holdsSlot ? '1' : '0',
        busyWaitMs,
        maxHostInFlight,
      );
      const waitMs = Math.max(0, Math.ceil(Number(wait)));
      return waitMs === 0 ? { waitMs: 0 } : { waitMs, reason: reason as WaitReason };
    },
    async release(webhook, leaseId) {
      if (!options.enabled || options.maxInFlight <= 0) return;
      const k = keys(webhook, 'none');
      await redis.heraldReleaseLease(k.inFlight, k.hostInFlight, leaseId);
    },
    async pause(webhook, delayMs, global) {
      const k = keys(webhook, 'none');
      await redis.heraldPauseEndpoint(global ? k.hostPause : k.endpointPause, now() + delayMs, delayMs);
    },
  };
}
