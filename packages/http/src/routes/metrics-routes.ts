import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../openapi/response-schemas';
import { safeEqual } from '@herald/crypto';
import { createHeraldMetrics, type HeraldMetrics } from '@herald/metrics';
import { presentedToken, requireRole } from '../plugins/auth';
import type { ServerDeps } from '../server-deps';

/** Prometheus scrape endpoint: an admin token, or HERALD_METRICS_TOKEN for a scraper that should not hold one. */
export function metricsRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const metrics: HeraldMetrics = deps.metrics ?? createHeraldMetrics();
  metrics.observeCluster({
    queues: deps.queues,
    prisma: deps.prisma,
    now: deps.now,
    redis: deps.redis,
    queuePrefix: deps.config.queuePrefix,
  });
  const schema = {
    operationId: 'metrics',
    tags: ['Operations'],
    summary: 'Prometheus metrics',
    description: 'Prometheus text format.\n\n**Who:** admin, or HERALD_METRICS_TOKEN.',
    response: {
      200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } },
      ...errors(401, 403),
    },
  };
  app.get('/metrics', { schema }, async (request, reply) => {
    const secret = presentedToken(request);
    const metricsToken = deps.config.metricsToken;
    if (!(metricsToken && secret && safeEqual(secret, metricsToken))) requireRole(request, 'admin');
    return reply
      .header('content-type', metrics.contentType)
      .header('cache-control', 'no-store')
      .send(await metrics.render());
  });
}
