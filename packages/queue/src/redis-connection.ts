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

/** Whether Redis takes writes: 'up', or why not. PING answers even when every write is refused. */
export type RedisWriteState = 'up' | 'out_of_memory' | 'persistence_failing' | 'read_only' | 'down';

/**
 * Writes a short-lived key, as every enqueue does: out of memory (noeviction), MISCONF (a failing
 * RDB save with stop-writes-on-bgsave-error) and a read-only replica all refuse it.
 */
export async function probeRedisWrite(redis: Redis, key: string, timeoutMs = 1_000): Promise<RedisWriteState> {
  try {
    await Promise.race([
      redis.set(key, String(Date.now()), 'PX', 10_000),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return 'up';
  } catch (error) {
    return redisWriteErrorState(error);
  }
}

export function redisWriteErrorState(error: unknown): RedisWriteState {
  const message = error instanceof Error ? error.message : String(error);
  if (/^OOM\b/.test(message)) return 'out_of_memory';
  if (/^MISCONF\b/.test(message)) return 'persistence_failing';
  if (/^READONLY\b/.test(message)) return 'read_only';
  return 'down';
}
