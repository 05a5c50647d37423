import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerApiRateLimit, registerJsonBodyParser } from '@herald/net-guard';
import { createRepeatedLog } from '@herald/config';
import { badRequest } from './http-errors';
import { registerAuth } from './plugins/auth';
import { registerErrorHandler } from './plugins/error-handler';
import { registerRouteSchemas } from './plugins/route-schemas';
import { registerApiDocs } from './openapi/api-docs';
import { alertRoutes } from './routes/alert-routes';
import { deliveryRoutes } from './routes/delivery-routes';
import { healthRoutes } from './routes/health-routes';
import { ingestRoutes } from './routes/ingest-routes';
import { ingestSourceRoutes } from './routes/ingest-source-routes';
import { metricsRoutes } from './routes/metrics-routes';
import { orgRoutes } from './routes/org-routes';
import { quietHoursRoutes } from './routes/quiet-hours-routes';
import { sessionRoutes } from './routes/session-routes';
import { tokenRoutes } from './routes/token-routes';
import { webhookRoutes } from './routes/webhook-routes';
import { consoleRoutes } from './routes/console-routes';
import { eventRoutes } from './routes/event-routes';
import { overviewRoutes } from './routes/overview-routes';
import { webhookHealthRoutes } from './routes/webhook-health-routes';
import { dashboardRoutes } from './dashboard/dashboard-routes';
import { trackRoutes } from './route-registry';
import type { ServerDeps } from './server-deps';

/** Route groups, each a plain function over the app and the shared dependencies. */
export type RouteGroup = (app: FastifyInstance, deps: ServerDeps) => void | Promise<void>;

export const ROUTE_GROUPS: RouteGroup[] = [
  healthRoutes,
  alertRoutes,
  orgRoutes,
  webhookRoutes,
  quietHoursRoutes,
  tokenRoutes,
  sessionRoutes,
  ingestSourceRoutes,
  ingestRoutes,
  deliveryRoutes,
  metricsRoutes,
  dashboardRoutes,
  overviewRoutes,
  webhookHealthRoutes,
  eventRoutes,
  consoleRoutes,
];

export async function buildServer(deps: ServerDeps, extraRoutes: RouteGroup[] = []): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger,
    // Request lines would carry URLs and query strings; Herald logs what it does instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Behind a TLS reverse proxy, HERALD_TRUST_PROXY names it so request.protocol and request.ip come from its headers.
    trustProxy:
      typeof deps.config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(deps.config.trustProxy)
        : deps.config.trustProxy,
  });
  trackRoutes(app);
  registerErrorHandler(app);
  registerJsonBodyParser(app, { maxDepth: 32, tooDeep: (message) => badRequest([{ field: 'body', message }]) });
  await registerAuth(app, { prisma: deps.prisma, redis: deps.redis, config: deps.config, now: deps.now });
  registerRouteSchemas(app);
  // After auth (its hooks run after the app's): counted per token; unauthenticated requests are not counted.
  // Redis refusing writes fails every request: one line a minute with a count, not one per request.
  const redisErrors = createRepeatedLog(app.log);
  await registerApiRateLimit(app, {
    redis: deps.redis,
    limitPerMinute: deps.config.api.rateLimitPerMinute,
    keyPrefix: deps.config.queuePrefix,
    clientOf: (request) => request.principal?.tokenId ?? null,
    onRedisError: (error) =>
      redisErrors.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'API rate limit unavailable (Redis); letting requests through',
      ),
  });
  await registerApiDocs(app);
  for (const group of [...ROUTE_GROUPS, ...extraRoutes]) await group(app, deps);
  await app.ready();
  return app;
}
