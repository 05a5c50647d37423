import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
 * Per-client API rate limit as an onRequest hook (register it after authentication has set the
 * principal). Refused requests get 429 with Retry-After (seconds) and a JSON body; every counted
 * response carries RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset.
 */
export function registerApiRateLimit(app: FastifyInstance, options: ApiRateLimitOptions): void {
  if (options.limitPerMinute <= 0) return;
  const limit = String(options.limitPerMinute);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const client = options.clientOf(request);
    if (client === null) return;
    let decision: RateLimitDecision;
    try {
      decision = await takeRateLimitToken(options.redis, `${options.keyPrefix}:api-rate:${client}`, options.limitPerMinute);
    } catch (error) {
      options.onRedisError?.(error);
      return;
    }
    void reply.header('ratelimit-limit', limit);
    void reply.header('ratelimit-remaining', String(decision.remaining));
    void reply.header('ratelimit-reset', String(Math.ceil(decision.resetMs / 1000)));
    if (decision.allowed) return;
    const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    return reply
      .code(429)
      .header('retry-after', String(seconds))
      .send({ error: 'rate_limited', message: `too many requests for this token: at most ${limit} per minute; retry in ${seconds} s` });
  });
}
