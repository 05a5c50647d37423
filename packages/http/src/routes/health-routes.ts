import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { probeRedisWrite } from '@herald/queue';
import { pingDatabaseClient } from '@herald/db';
import type { ServerDeps } from '../server-deps';

const PUBLIC = { security: [] };

const readiness = z
  .object({
    status: z.enum(['ready', 'degraded']),
    redis: z.enum(['up', 'down', 'out_of_memory', 'persistence_failing', 'read_only']),
    database: z.object({ status: z.enum(['up', 'down']), kind: z.enum(['postgres', 'pglite']) }),
    keys: z.enum(['ok', 'cannot decrypt some webhooks']),
  })
  .meta({ id: 'Readiness' });

export function healthRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'health',
        tags: ['Operations'],
        summary: 'Liveness',
        description: '**Who:** anyone.',
        ...PUBLIC,
        response: { 200: z.object({ status: z.literal('ok') }).meta({ description: 'The process answers' }) },
      },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'ready',
        tags: ['Operations'],
        summary: "Readiness: Redis and the database answer, and this process's keys open every enabled webhook",
        description: '**Who:** anyone.',
        ...PUBLIC,
        response: { 200: readiness, 503: readiness },
      },
    },
    async (_request, reply) => {
      const [redis, database, keys] = await Promise.all([
        // A write, not a PING: Redis out of memory, failing to persist (MISCONF) or a read-only replica still answers PING.
        probeRedisWrite(deps.redis, `${deps.config.queuePrefix}:readyz`),
        pingDatabaseClient(deps.prisma).then(
          () => true,
          () => false,
        ),
        deps.keysReady?.() ?? true,
      ]);
      const ready = redis === 'up' && database && keys;
      return reply.code(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'degraded',
        redis,
        database: { status: database ? 'up' : 'down', kind: deps.databaseKind },
        keys: keys ? 'ok' : 'cannot decrypt some webhooks',
      });
    },
  );
}
