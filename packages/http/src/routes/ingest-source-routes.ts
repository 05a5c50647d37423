import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findIngestSource, listIngestSources, revokeIngestSource } from '@herald/db';
import { canSeeOrg, requireRole } from '../plugins/auth';
import { forbidden, notFound } from '../http-errors';
import { parseBody } from '../validation/zod-errors';
import { createIngestSourceSchema, createIngestSourceWithKey, ingestUrl, presentIngestSource } from '../ingest/ingest-source-service';
import type { ServerDeps } from '../server-deps';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The base URL the caller reached the API at, so the ingest URL it is given works from where it stands. */
function requestBase(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * Ingest sources: URLs that carry their own key, for senders that cannot set a header (O.D.I.N.,
 * Apprise/Moonraker, Zapier). An admin manages all; an org admin those bound to its organization.
 */
export function ingestSourceRoutes(app: FastifyInstance, deps: ServerDeps): void {
  async function visibleSource(request: FastifyRequest, id: string) {
    const principal = requireRole(request, 'admin', 'org_admin');
    const source = UUID.test(id) ? await findIngestSource(deps.prisma, id) : null;
    if (!source || !canSeeOrg(principal, source.orgId)) throw notFound('ingest source');
    return source;
  }

  app.post('/v1/ingest-sources', async (request, reply) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    const body = (request.body ?? {}) as Record<string, unknown>;
    // An org admin's sources are its organization's, said or not.
    const input = parseBody(
      createIngestSourceSchema,
      principal.role === 'org_admin' && body.org_id === undefined ? { ...body, org_id: principal.orgId } : body,
    );
    if (principal.role === 'org_admin' && input.org_id !== principal.orgId) {
      throw forbidden('an org admin creates ingest sources for its own organization only');
    }
    const { source, key } = await createIngestSourceWithKey(deps.prisma, input);
    request.log.info({ ingestSourceId: source.id, kind: source.kind }, 'ingest source created');
    // The only time the key is shown: the listing shows the masked path.
    return reply.code(201).send({ ...presentIngestSource(source), url: ingestUrl(requestBase(request), key), key });
  });

  app.get('/v1/ingest-sources', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    await deps.ingestUsage.flush();
    const rows = await listIngestSources(deps.prisma, principal.role === 'admin' ? {} : { orgId: principal.orgId ?? -1 });
    return { data: rows.map(presentIngestSource) };
  });

  app.get<{ Params: { id: string } }>('/v1/ingest-sources/:id', async (request) => {
    await deps.ingestUsage.flush();
    return presentIngestSource(await visibleSource(request, request.params.id));
  });

  // Revocation takes effect on the next request: every ingest request looks its key up again.
  app.delete<{ Params: { id: string } }>('/v1/ingest-sources/:id', async (request, reply) => {
    const source = await visibleSource(request, request.params.id);
    await revokeIngestSource(deps.prisma, source.id, new Date((deps.now ?? Date.now)()));
    request.log.info({ ingestSourceId: source.id }, 'ingest source revoked');
    return reply.code(204).send();
  });
}
