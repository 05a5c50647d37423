import { buildServer, type RouteGroup } from '@herald/http';
import { createAlertIngestor } from '@herald/ingest';
import { instrumentIngestor, metricsFor, type HeraldMetrics } from '@herald/metrics';
import type { FastifyInstance } from 'fastify';
import type { HeraldContext } from './herald-context';

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
  // Shared with a worker started on the same context, so single-node serves one /metrics.
  const metrics = options.metrics ?? metricsFor(context);
  const ingestor = instrumentIngestor(
    createAlertIngestor({ prisma: database.prisma, queues: context.queues, logger, now: options.now }),
    metrics,
  );
  const server = await buildServer(
    {
      config,
      prisma: database.prisma,
      queues: context.queues,
      redis: context.redis,
      ingestor,
      cipher: context.codec,
      logger,
      announceDirectoryChange: () => context.announceDirectoryChange(),
      databaseKind: database.kind,
      metrics,
      now: options.now,
    },
    options.extraRoutes,
  );
  const address = await server.listen({ host: config.host, port: config.port });
  return { server, address, close: () => server.close() };
}
