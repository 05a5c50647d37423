import path from 'node:path';
import type { HeraldConfig } from '@herald/config';
import { createLogger } from '@herald/config';
import { createHeraldContext, type HeraldContext } from './herald-context';
import { ensureLocalRedis } from './local-redis';
import { startApi, type RunningApi } from './start-api';
import { startWorker } from './start-worker';
import { ensureAdminTokenFile } from './admin-token-file';
import type { DeliveryWorker } from '@herald/delivery';
import type { DigestService } from '@herald/digest';
import { startDigest } from './start-digest';

export interface SingleNode {
  context: HeraldContext;
  api: RunningApi;
  worker: DeliveryWorker;
  digest: DigestService;
  /** Where the generated admin token was written, when HERALD_ADMIN_TOKEN is unset. */
  adminTokenFile: string | null;
  stop(): Promise<void>;
}

/** API, delivery worker and digest in one process: the quick start and the demo. */
export async function startSingleNode(config: HeraldConfig): Promise<SingleNode> {
  const logger = createLogger(config, 'herald');
  logger.info(
    config.databaseUrl ? { database: 'postgres' } : { database: 'pglite', dir: path.join(config.dataDir, 'pglite') },
    config.databaseUrl
      ? 'Herald single-node on PostgreSQL (DATABASE_URL)'
      : `Herald single-node on embedded PGlite in ${path.join(config.dataDir, 'pglite')} (set DATABASE_URL for PostgreSQL)`,
  );
  const localRedis = await ensureLocalRedis(config.redis, config.dataDir, logger);
  const context = await createHeraldContext(config, 'single-node', logger);
  const migration = await context.database.migrate();
  logger.info({ applied: migration.applied.length }, migration.applied.length ? 'database migrated' : 'database schema is up to date');
  const adminTokenFile = config.adminToken ? null : await ensureAdminTokenFile(context.database.prisma, config.dataDir);
  const worker = await startWorker(context);
  const digest = startDigest(context);
  const api = await startApi(context);
  return {
    context,
    api,
    worker,
    digest,
    adminTokenFile,
    async stop() {
      await api.close();
      await digest.stop();
      await worker.close();
      await context.close();
      await localRedis.stop();
    },
  };
}
