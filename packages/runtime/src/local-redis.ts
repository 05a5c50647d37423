import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger, RedisTarget } from '@herald/config';
import { createRedisConnection, pingRedis, redisLocation } from '@herald/queue';

export interface LocalRedis {
  /** Set when Herald started redis-server itself; stopping Herald stops it. */
  process: ChildProcess | null;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const redis = createRedisConnection(url, 'producer', { retryStrategy: () => null, lazyConnect: true });
  try {
    await redis.connect().catch(() => undefined);
    return await pingRedis(redis, 1_000);
  } finally {
    redis.disconnect();
  }
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export class RedisUnavailableError extends Error {
  constructor(target: RedisTarget | string) {
    super(
      `Redis is not answering at ${redisLocation(target)}. Start one with \`docker compose up -d redis\` ` +
        'or install the Debian package (`apt-get install redis-server`), or set REDIS_URL.',
    );
    this.name = 'RedisUnavailableError';
  }
}

/**
 * Single-node convenience: when nothing answers at REDIS_URL on this machine and redis-server is
 * installed, run one under the data directory for as long as Herald runs.
 */
export async function ensureLocalRedis(target: RedisTarget, dataDir: string, logger: Logger): Promise<LocalRedis> {
  // Sentinel and Cluster are run by the operator; the clients reconnect on their own.
  if (target.kind !== 'standalone') return { process: null, stop: async () => undefined };
  const url = target.url;
  if (await answers(url)) return { process: null, stop: async () => undefined };
  const { hostname, port } = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1'].includes(hostname);
  if (!local || !hasRedisServer()) throw new RedisUnavailableError(url);
  const dir = path.join(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    ['--port', port || '6379', '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) {
      logger.info({ dir, pid: child.pid }, 'started a local redis-server for this single-node run');
      return {
        process: child,
        async stop() {
          if (child.exitCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(url);
}
