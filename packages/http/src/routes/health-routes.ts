import type { FastifyInstance } from 'fastify';
import { pingRedis } from '@herald/queue';
import type { ServerDeps } from '../server-deps';

export function healthRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const [redis, database] = await Promise.all([
      pingRedis(deps.redis),
      deps.prisma.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      ),
    ]);
    const ready = redis && database;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'degraded',
      redis: redis ? 'up' : 'down',
      database: { status: database ? 'up' : 'down', kind: deps.databaseKind },
    });
  });
}
