import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EndpointRateLimit, ResolvedWebhook } from '../directory/resolved-webhook';
import type { EndpointLimiter, Reservation } from './endpoint-limiter';

/** Discord: 5 requests per 2 s per webhook; Slack: about 1 per second, short bursts tolerated. */
export const DEFAULT_RATE_LIMITS: Record<ResolvedWebhook['type'], EndpointRateLimit | null> = {
  discord: { limit: 5, intervalMs: 2_000, burst: 5 },
  slack: { limit: 1, intervalMs: 1_000, burst: 3 },
  generic: null,
};

/**
 * GCRA (a token bucket kept as one timestamp): each call reserves the next free slot and
 * answers how far away it is, so a delivery over the limit waits for its own slot instead of
 * retrying in a loop. A pause key (set on 429) holds every slot until it expires.
 */
const RESERVE_SCRIPT = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local pause_until = 0
for i = 2, #KEYS do
  local p = tonumber(redis.call('GET', KEYS[i]) or '0')
  if p > pause_until then pause_until = p end
end
local start = now
if pause_until > start then start = pause_until end
if interval <= 0 then
  return start - now
end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < start then tat = start end
local allow_at = tat - (burst - 1) * interval
if allow_at < start then allow_at = start end
local new_tat = tat + interval
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(new_tat - now + interval * burst) + 1000)
return allow_at - now
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
  /** Off for benchmarks: every reservation answers "now". */
  enabled: boolean;
  now: () => number;
}

/** Keys use a hash of the URL: Redis never holds a webhook URL in clear. */
export function endpointKey(url: string): string {
  return createHash('sha256').update(url).digest('base64url').slice(0, 22);
}

function hostKey(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid';
  }
}

export function createRedisEndpointLimiter(options: RedisEndpointLimiterOptions): EndpointLimiter {
  const { redis, prefix, now } = options;
  const keys = (webhook: ResolvedWebhook) => {
    const endpoint = endpointKey(webhook.url);
    return {
      bucket: `${prefix}:rl:${endpoint}`,
      endpointPause: `${prefix}:pause:${endpoint}`,
      hostPause: `${prefix}:pause-host:${endpointKey(hostKey(webhook.url))}`,
    };
  };
  return {
    async reserve(webhook): Promise<Reservation> {
      if (!options.enabled) return { waitMs: 0 };
      const limit = webhook.rateLimit ?? DEFAULT_RATE_LIMITS[webhook.type];
      const k = keys(webhook);
      const interval = limit ? limit.intervalMs / limit.limit : 0;
      const burst = limit ? Math.max(1, limit.burst ?? limit.limit) : 1;
      const wait = (await redis.eval(RESERVE_SCRIPT, 3, k.bucket, k.endpointPause, k.hostPause, now(), interval, burst)) as number;
      return { waitMs: Math.max(0, Math.ceil(Number(wait))) };
    },
    async pause(webhook, delayMs, global) {
      const k = keys(webhook);
      await redis.eval(PAUSE_SCRIPT, 1, global ? k.hostPause : k.endpointPause, now() + delayMs, delayMs);
    },
  };
}
