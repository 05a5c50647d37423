import { type HeraldConfig, type Logger, createLogger } from '@herald/config';
import { createFernetCodec } from '@herald/crypto';
import { assertSomeWebhookDecrypts, createDatabase, type Database, type DatabaseRole } from '@herald/db';
import { announceDirectoryChange, createHeraldQueues, createRedisConnection, type HeraldQueues } from '@herald/queue';
import type { Redis } from 'ioredis';
import { resolveFernetKeys } from './fernet-keys';

/** What every Herald process shares: configuration, logger, database, secret codec, Redis and queues. */
export interface HeraldContext {
  config: HeraldConfig;
  logger: Logger;
  database: Database;
  codec: ReturnType<typeof createFernetCodec>;
  redis: Redis;
  queues: HeraldQueues;
  announceDirectoryChange(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A process with the wrong key list would see every webhook as undecryptable: the API and the
 * worker refuse to start (after migrations, which single-node runs once the context exists).
 */
export async function refuseWrongFernetKeys(context: Pick<HeraldContext, 'database' | 'codec'>): Promise<void> {
  await assertSomeWebhookDecrypts(context.database.sql, context.codec, {
    consequence: 'Refusing to start.',
    ignoreMarkedUndecryptable: true,
  });
}

export async function createHeraldContext(config: HeraldConfig, role: DatabaseRole, logger?: Logger): Promise<HeraldContext> {
  const log = logger ?? createLogger(config, `herald-${role}`);
  const codec = createFernetCodec(resolveFernetKeys(config, log));
  const database = await createDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    role,
    poolSize: config.databasePoolSize,
    preparedStatements: config.databasePreparedStatements,
    onWarning: (message) => log.warn(message),
  });
  const redis = createRedisConnection(config.redis, 'producer');
  const queues = createHeraldQueues(redis, config.queuePrefix);
  return {
    config,
    logger: log,
    database,
    codec,
    redis,
    queues,
    async announceDirectoryChange() {
      try {
        await announceDirectoryChange(redis, config.queuePrefix);
      } catch (error) {
        log.warn({ err: error }, 'could not announce a change; workers reload within a minute');
      }
    },
    async close() {
      await queues.close().catch(() => undefined);
      redis.disconnect();
      await database.close();
    },
  };
}
