import { describeRedisTarget, type RedisTarget } from '@herald/config';
import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisRole = 'worker' | 'producer' | 'subscriber';

function roleOptions(role: RedisRole): RedisOptions {
  return role === 'producer'
    ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 }
    : { maxRetriesPerRequest: null, enableOfflineQueue: true };
}

const retryStrategy = (times: number): number => Math.min(times * 200, 2_000);

/** Accepts a REDIS_URL string too, for tools and tests that talk to one server. */
function asTarget(target: RedisTarget | string): RedisTarget {
  return typeof target === 'string' ? { kind: 'standalone', url: target } : target;
}

function sentinelOptions(target: Extract<RedisTarget, { kind: 'sentinel' }>): RedisOptions {
  return {
    sentinels: target.sentinels,
    name: target.name,
    sentinelPassword: target.sentinelPassword,
    username: target.username,
    password: target.password,
    db: target.db,
    ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
    sentinelRetryStrategy: retryStrategy,
    // A primary demoted while alive (a manual SENTINEL FAILOVER) answers writes with READONLY: reconnect, which
    // asks the sentinels for the new primary, and resend. (ioredis's failoverDetector is not used: under load it
    // raced with reconnection and left clients closed for good.)
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  };
}

function createCluster(target: Extract<RedisTarget, { kind: 'cluster' }>, role: RedisRole, options: RedisOptions): Cluster {
  const { enableOfflineQueue, retryStrategy: nodeRetry, lazyConnect, ...perNode } = { ...roleOptions(role), ...options };
  return new Cluster(target.nodes, {
    enableOfflineQueue,
    lazyConnect,
    clusterRetryStrategy: typeof nodeRetry === 'function' ? (times) => nodeRetry(times) ?? null : retryStrategy,
    redisOptions: {
      username: target.username,
      password: target.password,
      ...(target.tls ? { tls: {} } : {}),
      ...perNode,
    },
  });
}

/**
 * Workers block on Redis and must retry forever (`maxRetriesPerRequest: null`, BullMQ's rule).
 * Producers fail fast instead, so an ingest request is answered from the database while Redis
 * is away and the sweeper enqueues the alert later.
 *
 * With a Redis Cluster this returns ioredis's `Cluster`, typed as `Redis`: it answers the same commands
 * (Herald's keys share one hash tag, so multi-key scripts stay in one slot), and BullMQ recognises it.
 */
export function createRedisConnection(target: RedisTarget | string, role: RedisRole, options: RedisOptions = {}): Redis {
  const where = asTarget(target);
  let redis: Redis;
  if (where.kind === 'cluster') {
    redis = createCluster(where, role, options) as unknown as Redis;
  } else {
    const base: RedisOptions = { ...roleOptions(role), retryStrategy, lazyConnect: false, ...options };
    redis = where.kind === 'standalone' ? new Redis(where.url, base) : new Redis({ ...sentinelOptions(where), ...base });
  }
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

/** A BullMQ worker's connection and how to release it once the worker has closed. */
export interface WorkerConnection {
  connection: ConnectionOptions;
  close(): Promise<void>;
}

/**
 * Options (not a client) for BullMQ workers, so each worker owns, and closes, its own connections. A cluster
 * cannot be described by options alone: the worker gets a client of its own, closed by `close()` after the worker.
 */
export function workerConnection(target: RedisTarget | string): WorkerConnection {
  const where = asTarget(target);
  switch (where.kind) {
    case 'standalone':
      return { connection: { url: where.url, maxRetriesPerRequest: null, enableOfflineQueue: true }, close: async () => undefined };
    case 'sentinel':
      return {
        // ioredis's own options; BullMQ hands them to `new Redis()`.
        connection: { ...sentinelOptions(where), maxRetriesPerRequest: null, enableOfflineQueue: true } as ConnectionOptions,
        close: async () => undefined,
      };
    case 'cluster': {
      const cluster = createCluster(where, 'worker', {});
      cluster.on('error', () => undefined);
      return {
        connection: cluster,
        close: async () => {
          await cluster.quit().catch(() => cluster.disconnect());
        },
      };
    }
  }
}

/** Where Redis is, for messages (never credentials). */
export function redisLocation(target: RedisTarget | string): string {
  return describeRedisTarget(asTarget(target));
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
