import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

// GCRA (generic cell rate algorithm): one key per client holding its "theoretical arrival time".
// Requests are spread evenly over the minute with a burst of the whole limit, and unlike a fixed
// window there is no double burst at a window edge. Redis' own clock keeps several API processes in step.
const GCRA = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - period
if now < allow_at then
  return {0, allow_at - now, math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(new_tat - now))
return {1, math.floor((period - (new_tat - now)) / interval), math.ceil(new_tat - now)}
`;

export interface ApiRateLimitOptions {
  redis: Redis;
  /** Requests per minute per client; 0 turns the limit off (HERALD_API_RATE_LIMIT). */
  limitPerMinute: number;
  /** Key prefix, e.g. the queue prefix so all Herald keys share one Redis Cluster slot. */
  keyPrefix: string;
  /** Who is counted: e.g. the token id of an authenticated request; null skips the request. */
  clientOf(request: FastifyRequest): string | null;
  /** Where a Redis failure is reported; requests are let through meanwhile (fail open). */
  onRedisError?(error: unknown): void;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests left right now. */
  remaining: number;
  /** When refused: milliseconds until the next request is allowed. */
  retryAfterMs: number;
  /** Milliseconds until the full limit is available again. */
  resetMs: number;
}

/** One GCRA step in Redis for `key`. */
export async function takeRateLimitToken(redis: Redis, key: string, limitPerMinute: number): Promise<RateLimitDecision> {
  const period = 60_000;
  const interval = period / limitPerMinute;
  const [allowed, value, reset] = (await redis.eval(GCRA, 1, key, String(interval), String(period))) as [number, number, number];
  return allowed === 1
    ? { allowed: true, remaining: value, retryAfterMs: 0, resetMs: reset }
    : { allowed: false, remaining: 0, retryAfterMs: value, resetMs: reset };
}

/**
 * The store @fastify/rate-limit counts in: one GCRA step per request, so a client's requests are
 * spread over the minute (a refused client may retry after one interval, not a whole window). The
 * plugin reads `{current, ttl}`: an allowed request reports the requests used (limit - remaining) and
 * the time until the full limit is back; a refused one reports limit + 1 and the time until the next
 * request is allowed (its Retry-After).
 */
class GcraStore {
  constructor(private readonly options: ApiRateLimitOptions) {}

  incr(client: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void {
    const { redis, keyPrefix, limitPerMinute } = this.options;
    takeRateLimitToken(redis, `${keyPrefix}:api-rate:${client}`, limitPerMinute).then(
      (decision) =>
        callback(
          null,
          decision.allowed
            ? { current: limitPerMinute - decision.remaining, ttl: decision.resetMs }
            : { current: limitPerMinute + 1, ttl: Math.max(1, decision.retryAfterMs) },
        ),
      (error: unknown) => {
        this.options.onRedisError?.(error);
        callback(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  /** One budget per client across all routes. */
  child(): GcraStore {
    return this;
  }
}

/**
 * Per-client API rate limit through @fastify/rate-limit, counted in Redis (shared by every API
 * process) with GCRA. Register it after authentication's onRequest hook so `clientOf` sees the
 * principal. Refused requests get 429 with Retry-After (seconds) and a JSON body; counted
 * responses carry RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset. A Redis failure lets
 * requests through (fail open) and is reported to `onRedisError`.
 */
export async function registerApiRateLimit(app: FastifyInstance, options: ApiRateLimitOptions): Promise<void> {
  if (options.limitPerMinute <= 0) return;
  const limit = options.limitPerMinute;
  await app.register(rateLimit, {
    global: true,
    max: limit,
    timeWindow: 60_000,
    hook: 'onRequest',
    store: class extends GcraStore {
      constructor() {
        super(options);
      }
    },
    skipOnError: true,
    enableDraftSpec: true,
    allowList: (request: FastifyRequest) => options.clientOf(request) === null,
    keyGenerator: (request: FastifyRequest) => options.clientOf(request) ?? '',
    addHeadersOnExceeding: { 'ratelimit-limit': true, 'ratelimit-remaining': true, 'ratelimit-reset': true },
    addHeaders: { 'ratelimit-limit': true, 'ratelimit-remaining': true, 'ratelimit-reset': true, 'retry-after': true },
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new RateLimitedError(`too many requests for this token: at most ${limit} per minute; retry in ${seconds} s`);
    },
  });
}

/** A refused request; answered 429 `{error: 'rate_limited', message}` (the plugin has set Retry-After). */
export class RateLimitedError extends Error {
  readonly statusCode = 429;
  readonly code = 'rate_limited';
  constructor(message: string) {
    super(message);
    this.name = 'RateLimitedError';
  }
}
