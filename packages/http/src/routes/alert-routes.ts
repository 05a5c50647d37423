import type { FastifyInstance } from 'fastify';
import { ALERT_TYPES } from '@herald/core';
import type { Prisma } from '@herald/db';
import { canSeeOrg, requireRole } from '../plugins/auth';
import { badRequest, notFound } from '../http-errors';
import { presentAlert } from '../presenters';
import type { ServerDeps } from '../server-deps';
import { parsePositiveInt, parseTime } from '../validation/query-params';

const ALERT_BODY_LIMIT = 64 * 1024;
const BATCH_BODY_LIMIT = 1024 * 1024;
export const ALERT_STATUSES = ['queued', 'dispatched', 'delivered', 'partially_failed', 'failed', 'suppressed', 'no_targets'] as const;

interface AlertListQuery {
  type?: string;
  status?: string;
  printer_id?: string;
  org_id?: string;
  since?: string;
  until?: string;
  cursor?: string;
  limit?: string;
}

export function alertRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.post('/v1/alerts', { bodyLimit: ALERT_BODY_LIMIT }, async (request, reply) => {
    const principal = requireRole(request, 'admin', 'ingestor');
    const ref = await deps.ingestor.ingestOne(request.body, {
      id: principal.tokenId,
      orgId: principal.role === 'ingestor' ? principal.orgId : null,
    });
    return reply.code(ref.created ? 202 : 200).send({ id: ref.id, status: ref.created ? 'queued' : 'duplicate' });
  });

  app.post('/v1/alerts/batch', { bodyLimit: BATCH_BODY_LIMIT }, async (request, reply) => {
    const principal = requireRole(request, 'admin', 'ingestor');
    const refs = await deps.ingestor.ingestBatch(request.body, {
      id: principal.tokenId,
      orgId: principal.role === 'ingestor' ? principal.orgId : null,
    });
    return reply.code(202).send({ ids: refs.map((ref) => ref.id), duplicates: refs.filter((ref) => !ref.created).length });
  });

  app.get<{ Params: { id: string } }>('/v1/alerts/:id', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    if (!/^[0-9a-f-]{36}$/i.test(request.params.id)) throw notFound('alert');
    const alert = await deps.prisma.alert.findUnique({
      where: { id: request.params.id },
      include: {
        deliveries: {
          orderBy: { createdAt: 'asc' },
          include: {
            attempts: { orderBy: { attemptNumber: 'asc' } },
            webhook: { select: { id: true, name: true, type: true, urlMasked: true } },
          },
        },
      },
    });
    if (!alert || !canSeeOrg(principal, alert.orgId)) throw notFound('alert');
    return presentAlert(alert, alert.deliveries);
  });

  app.get<{ Querystring: AlertListQuery }>('/v1/alerts', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    const q = request.query;
    if (q.type !== undefined && !(ALERT_TYPES as string[]).includes(q.type))
      throw badRequest([{ field: 'type', message: `must be one of ${ALERT_TYPES.join(', ')}` }]);
    if (q.status !== undefined && !(ALERT_STATUSES as readonly string[]).includes(q.status)) {
      throw badRequest([{ field: 'status', message: `must be one of ${ALERT_STATUSES.join(', ')}` }]);
    }
    const limit = Math.min(parsePositiveInt('limit', q.limit) ?? 50, 500);
    const orgFilter = parsePositiveInt('org_id', q.org_id);
    const since = parseTime('since', q.since);
    const until = parseTime('until', q.until);
    if (q.cursor !== undefined && !/^[0-9a-f-]{36}$/i.test(q.cursor)) throw badRequest([{ field: 'cursor', message: 'invalid cursor' }]);
    const where: Prisma.AlertWhereInput = {
      ...(q.type ? { type: q.type } : {}),
      ...(q.status ? { status: q.status as (typeof ALERT_STATUSES)[number] } : {}),
      ...(q.printer_id ? { printerId: parsePositiveInt('printer_id', q.printer_id) } : {}),
      ...(principal.role === 'org_admin' ? { orgId: principal.orgId ?? -1 } : orgFilter !== undefined ? { orgId: orgFilter } : {}),
      ...(since || until ? { occurredAt: { ...(since ? { gte: since } : {}), ...(until ? { lt: until } : {}) } } : {}),
      // Ids are UUIDv7, so "older than the cursor" is "id below the cursor".
      ...(q.cursor ? { id: { lt: q.cursor } } : {}),
    };
    const rows = await deps.prisma.alert.findMany({ where, orderBy: { id: 'desc' }, take: limit + 1 });
    const page = rows.slice(0, limit);
    return { data: page.map((row) => presentAlert(row)), next_cursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null };
  });
}
