import { createIngestRouter, createWebhookDirectory } from '@herald/routing';
import { buildServer, type RouteGroup } from '@herald/http';
import { announcingArrivals, createAlertIngestor, createSourceUsageRecorder } from '@herald/ingest';
import { createConsoleEventPublisher } from '@herald/queue';
import { instrumentIngestor, metricsFor, type HeraldMetrics } from '@herald/metrics';
import type { FastifyInstance } from 'fastify';
import { refuseWrongFernetKeys, type HeraldContext } from './herald-context';

export interface RunningApi {
  server: FastifyInstance;
  /** e.g. http://127.0.0.1:3000 */
  address: string;
  close(): Promise<void>;
}

export async function startApi(
  context: HeraldContext,
  options: { now?: () => number; extraRoutes?: RouteGroup[]; metrics?: HeraldMetrics } = {},
): Promise<RunningApi> {
  const { config, database, logger } = context;
  await refuseWrongFernetKeys(context);
  // Shared with a worker started on the same context, so single-node serves one /metrics.
  const metrics = options.metrics ?? metricsFor(context);
  // The API routes alerts as it saves them, from its own cache of printers, webhooks and quiet hours.
  const directory = createWebhookDirectory({
    sql: database.sql,
    codec: context.codec,
    logger,
    redis: config.redis,
    queuePrefix: config.queuePrefix,
    now: options.now,
    onSealed: (count) => metrics.webhooksUndecryptable(count),
  });
  // New alerts are announced to the console's live feed (every API process's subscribers see them).
  const consoleEvents = createConsoleEventPublisher(context.redis, config.queuePrefix, {
    onError: (error) => logger.debug({ err: error }, 'console event not published'),
  });
  const arrivals = announcingArrivals(
    createAlertIngestor({
      sql: database.sql,
      queues: context.queues,
      logger,
      now: options.now,
      router: createIngestRouter({ sql: database.sql, directory, now: options.now ?? Date.now }),
    }),
    { sql: database.sql, publisher: consoleEvents, logger },
  );
  const ingestUsage = createSourceUsageRecorder({ sql: database.sql, logger });
  const ingestor = instrumentIngestor(arrivals, metrics);
  const server = await buildServer(
    {
      config,
      prisma: database.prisma,
      sql: database.sql,
      ingestUsage,
      queues: context.queues,
      redis: context.redis,
      ingestor,
      cipher: context.codec,
      logger,
      // Drops this process's cache at once (the next alert it routes sees the change), then tells the others.
      announceDirectoryChange: () => directory.announceChange(),
      databaseKind: database.kind,
      metrics,
      // Reads the (cached) directory, so a process that has routed nothing yet still answers truly.
      keysReady: async () => (await directory.snapshot().catch(() => null)) !== null && directory.sealedCount() === 0,
      now: options.now,
    },
    options.extraRoutes,
  );
  const address = await server.listen({ host: config.host, port: config.port });
  return {
    server,
    address,
    async close() {
      await server.close();
      await ingestUsage.close();
      await arrivals.flush();
      await directory.close();
    },
  };
}
