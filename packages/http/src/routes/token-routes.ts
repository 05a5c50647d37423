import type { FastifyInstance } from 'fastify';
import { requireRole } from '../plugins/auth';
import { notFound } from '../http-errors';
import { parseBody } from '../validation/zod-errors';
import { createApiToken, createTokenSchema, presentToken } from '../tokens/token-service';
import type { ServerDeps } from '../server-deps';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function tokenRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.post('/v1/tokens', async (request, reply) => {
    requireRole(request, 'admin');
    const { token, secret } = await createApiToken(deps.prisma, parseBody(createTokenSchema, request.body));
    return reply.code(201).send({ ...presentToken(token), secret });
  });

  app.get('/v1/tokens', async (request) => {
    requireRole(request, 'admin');
    const rows = await deps.prisma.apiToken.findMany({ orderBy: { createdAt: 'asc' } });
    return { data: rows.map(presentToken) };
  });

  // Revocation takes effect on the next request: every request looks its token up again.
  app.delete<{ Params: { id: string } }>('/v1/tokens/:id', async (request, reply) => {
    requireRole(request, 'admin');
    if (!UUID.test(request.params.id)) throw notFound('token');
    const token = await deps.prisma.apiToken.findUnique({ where: { id: request.params.id } });
    if (!token) throw notFound('token');
    if (token.revokedAt === null) {
      await deps.prisma.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date((deps.now ?? Date.now)()) } });
    }
    return reply.code(204).send();
  });
}
