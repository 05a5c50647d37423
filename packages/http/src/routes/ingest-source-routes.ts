import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findIngestSource, listIngestSources, revokeIngestSource } from '@herald/db';
import { canSeeOrg } from '../plugins/auth';
import { principalOf, typed } from '../plugins/route-schemas';
import { forbidden, notFound } from '../http-errors';
import { createdIngestSourceSchema, guarded, ingestSourceSchema, listOf } from '../openapi/response-schemas';
import { uuidIdParams } from '../validation/request-schemas';
import { int4IdSchema } from '../validation/int4-ids';
import { createIngestSourceSchema, createIngestSourceWithKey, ingestUrl, presentIngestSource } from '../ingest/ingest-source-service';
import type { ServerDeps } from '../server-deps';

/** The base URL the caller reached the API at, so the ingest URL it is given works from where it stands. */
function requestBase(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

// An org admin's sources are its organization's, said or not: org_id left out means the caller's.
const createBody = createIngestSourceSchema
  .extend({
    org_id: int4IdSchema
      .nullable()
      .optional()
      .meta({ description: "Organization whose webhooks get the alerts; default: an org admin's own, none for an admin." }),
  })
  .meta({ example: { name: 'O.D.I.N. farm 1', kind: 'odin', org_id: 1 } });

const managers = { roles: ['admin' as const, 'org_admin' as const] };
const oneSource = { ...managers, notFoundAs: { id: 'ingest source' } };
const tags = ['Ingest URLs'];
const WHO = "**Who:** admin, org_admin (its organization's sources).";

/**
 * Ingest sources: URLs that carry their own key, for senders that cannot set a header (O.D.I.N.,
 * Apprise/Moonraker, Zapier). An admin manages all; an org admin those bound to its organization.
 */
export function ingestSourceRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const api = typed(app);

  async function visibleSource(request: FastifyRequest, id: string) {
    const source = await findIngestSource(deps.prisma, id);
    if (!source || !canSeeOrg(principalOf(request), source.orgId)) throw notFound('ingest source');
    return source;
  }

  api.post(
    '/v1/ingest-sources',
    {
      config: managers,
      schema: {
        operationId: 'createIngestSource',
        tags,
        summary: 'Create an ingest URL',
        description:
          "A URL with its own key, for senders that cannot set a header: `odin` (every body O.D.I.N. posts), `apprise` (Apprise `json://`: Moonraker, OctoPrint), `herald` (the POST /v1/alerts body). The full URL and key are in this answer only; Herald keeps the key's SHA-256.\n\n**Who:** admin; org_admin for its own organization.",
        body: createBody,
        response: { 201: createdIngestSourceSchema, ...guarded(400) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const orgId = request.body.org_id !== undefined ? request.body.org_id : principal.role === 'org_admin' ? principal.orgId : null;
      if (principal.role === 'org_admin' && orgId !== principal.orgId) {
        throw forbidden('an org admin creates ingest sources for its own organization only');
      }
      const { source, key } = await createIngestSourceWithKey(deps.prisma, { ...request.body, org_id: orgId });
      request.log.info({ ingestSourceId: source.id, kind: source.kind }, 'ingest source created');
      // The only time the key is shown: the listing shows the masked path.
      return reply.code(201).send({ ...presentIngestSource(source), url: ingestUrl(requestBase(request), key), key });
    },
  );

  api.get(
    '/v1/ingest-sources',
    {
      config: managers,
      schema: {
        operationId: 'listIngestSources',
        tags,
        summary: 'Ingest URLs (keys masked) with their counts',
        description: WHO,
        response: { 200: listOf(ingestSourceSchema), ...guarded() },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await deps.ingestUsage.flush();
      const rows = await listIngestSources(deps.prisma, principal.role === 'admin' ? {} : { orgId: principal.orgId ?? -1 });
      return { data: rows.map(presentIngestSource) };
    },
  );

  api.get(
    '/v1/ingest-sources/:id',
    {
      config: oneSource,
      schema: {
        operationId: 'getIngestSource',
        tags,
        summary: 'One ingest URL (key masked) with its counts',
        description: WHO,
        params: uuidIdParams,
        response: { 200: ingestSourceSchema, ...guarded(404) },
      },
    },
    async (request) => {
      await deps.ingestUsage.flush();
      return presentIngestSource(await visibleSource(request, request.params.id));
    },
  );

  // Revocation takes effect on the next request: every ingest request looks its key up again.
  api.delete(
    '/v1/ingest-sources/:id',
    {
      config: oneSource,
      schema: {
        operationId: 'revokeIngestSource',
        tags,
        summary: 'Revoke an ingest URL',
        description: `Its URL answers 401 from the next request on.\n\n${WHO}`,
        params: uuidIdParams,
        response: { 204: z.null().meta({ description: 'Revoked' }), ...guarded(404) },
      },
    },
    async (request, reply) => {
      const source = await visibleSource(request, request.params.id);
      await revokeIngestSource(deps.prisma, source.id, new Date((deps.now ?? Date.now)()));
      request.log.info({ ingestSourceId: source.id }, 'ingest source revoked');
      return reply.code(204).send();
    },
  );
}
