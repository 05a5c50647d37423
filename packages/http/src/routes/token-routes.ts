import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { typed } from '../plugins/route-schemas';
import { notFound } from '../http-errors';
import { createApiToken, createTokenSchema, presentToken } from '../tokens/token-service';
import { createdTokenSchema, guarded, listOf, tokenSchema } from '../openapi/response-schemas';
import { uuidIdParams } from '../validation/request-schemas';
import { findApiToken, listApiTokens, revokeApiToken } from '@herald/db';
import type { ServerDeps } from '../server-deps';

const admin = { roles: ['admin' as const], notFoundAs: { id: 'token' } };

export function tokenRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const api = typed(app);
  api.post(
    '/v1/tokens',
    {
      config: admin,
      schema: {
        operationId: 'createToken',
        tags: ['Tokens'],
        summary: 'Create an API token',
        description:
          'The secret is in the answer once; only its hash is stored. `org_id` is required for org_admin and ingestor tokens.\n\n**Who:** admin.',
        body: createTokenSchema.meta({ example: { name: 'O.D.I.N. farm 1', role: 'ingestor', org_id: 1 } }),
        response: { 201: createdTokenSchema, ...guarded(400) },
      },
    },
    async (request, reply) => {
      const { token, secret } = await createApiToken(deps.prisma, request.body);
      return reply.code(201).send({ ...presentToken(token), secret });
    },
  );

  api.get(
    '/v1/tokens',
    {
      config: admin,
      schema: {
        operationId: 'listTokens',
        tags: ['Tokens'],
        summary: 'API tokens (never their secrets)',
        description: '**Who:** admin.',
        response: { 200: listOf(tokenSchema), ...guarded() },
      },
    },
    async () => ({ data: (await listApiTokens(deps.prisma)).map(presentToken) }),
  );

  // Revocation takes effect on the next request: every request looks its token up again.
  api.delete(
    '/v1/tokens/:id',
    {
      config: admin,
      schema: {
        operationId: 'revokeToken',
        tags: ['Tokens'],
        summary: 'Revoke an API token',
        description: 'Takes effect on the next request.\n\n**Who:** admin.',
        params: uuidIdParams,
        response: { 204: z.null().meta({ description: 'Revoked' }), ...guarded(404) },
      },
    },
    async (request, reply) => {
      const token = await findApiToken(deps.prisma, request.params.id);
      if (!token) throw notFound('token');
      if (token.revokedAt === null) {
        await revokeApiToken(deps.prisma, token.id, new Date((deps.now ?? Date.now)()));
      }
      return reply.code(204).send();
    },
  );
}
