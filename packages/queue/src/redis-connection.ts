import { Redis, type RedisOptions } from 'ioredis';

export type RedisRole = 'worker' | 'producer' | 'subscriber';

/**
 * Workers block on Redis and must retry forever (`maxRetriesPerRequest: null`, BullMQ's rule).
 * Producers fail fast instead, so an ingest request is answered from the database while Redis
 * is away and the sweeper enqueues the alert later.
 */
export function createRedisConnection(url: string, role: RedisRole, options: RedisOptions = {}): Redis {
  const base: RedisOptions =
    role === 'producer'
      ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 }
      : { maxRetriesPerRequest: null, enableOfflineQueue: true };
  const redis = new Redis(url, {
    ...base,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
    ...options,
  });
  // An unhandled 'error' event would crash the process; reconnection is automatic.
  redis.on('error', () => undefined);
  return redis;
}

export async function pingRedis(redis: Redis, timeoutMs = 1_000): Promise<boolean> {
  try {
    const result = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return result === 'PONG';
  } catch {
    return false;
  }
}

/** Options (not a client) for BullMQ workers, so each worker owns, and closes, its own connections. */
export function workerConnectionOptions(url: string): { url: string; maxRetriesPerRequest: null; enableOfflineQueue: true } {
  return { url, maxRetriesPerRequest: null, enableOfflineQueue: true };
}
