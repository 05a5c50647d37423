import type { FastifyInstance } from 'fastify';
import type { Prisma } from '@herald/db';
import { requireRole, type Principal } from '../plugins/auth';
import { conflict, notFound } from '../http-errors';
import { presentDelivery } from '../presenters';
import type { ServerDeps } from '../server-deps';
import { parseOneOf, parsePositiveInt, parseUuid, UUID } from '../validation/query-params';
import { retryDelivery } from './redelivery';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'retrying', 'failed', 'dead', 'cancelled'] as const;

interface DeliveryListQuery {
  status?: string;
  webhook_id?: string;
  alert_id?: string;
  cursor?: string;
  limit?: string;
}

const WEBHOOK_SUMMARY = { select: { id: true, name: true, type: true, urlMasked: true, enabled: true, disabledReason: true } } as const;

/**
 * An org admin sees a delivery when its webhook, its alert or its digest belongs to the
 * organization (so also its own alerts' deliveries to system webhooks); an admin sees all.
 */
export function deliveryVisibility(principal: Principal): Prisma.DeliveryWhereInput {
  if (principal.role === 'admin') return {};
  const orgId = principal.orgId ?? -1;
  return { OR: [{ webhook: { orgId } }, { alert: { orgId } }, { digest: { orgId } }] };
}

export function deliveryRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const findVisible = async (principal: Principal, id: string) => {
    if (!UUID.test(id)) throw notFound('delivery');
    const delivery = await deps.prisma.delivery.findFirst({
      where: { AND: [{ id }, deliveryVisibility(principal)] },
      include: { attempts: { orderBy: { attemptNumber: 'asc' } }, webhook: WEBHOOK_SUMMARY },
    });
    if (!delivery) throw notFound('delivery');
    return delivery;
  };

  app.get<{ Querystring: DeliveryListQuery }>('/v1/deliveries', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    const q = request.query;
    const status = parseOneOf('status', q.status, DELIVERY_STATUSES);
    const webhookId = parseUuid('webhook_id', q.webhook_id);
    const alertId = parseUuid('alert_id', q.alert_id);
    const cursor = parseUuid('cursor', q.cursor);
    const limit = Math.min(parsePositiveInt('limit', q.limit) ?? 50, 500);
    const where: Prisma.DeliveryWhereInput = {
      AND: [
        deliveryVisibility(principal),
        {
          ...(status ? { status } : {}),
          ...(webhookId ? { webhookId } : {}),
          ...(alertId ? { alertId } : {}),
          // Ids are UUIDv7, so "older than the cursor" is "id below the cursor".
          ...(cursor ? { id: { lt: cursor } } : {}),
        },
      ],
    };
    const rows = await deps.prisma.delivery.findMany({
      where,
      orderBy: { id: 'desc' },
      take: limit + 1,
      include: { webhook: WEBHOOK_SUMMARY },
    });
    const page = rows.slice(0, limit);
    return { data: page.map((row) => presentDelivery(row)), next_cursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null };
  });

  app.get<{ Params: { id: string } }>('/v1/deliveries/:id', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    return presentDelivery(await findVisible(principal, request.params.id));
  });

  app.post<{ Params: { id: string } }>('/v1/deliveries/:id/retry', async (request, reply) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    const delivery = await findVisible(principal, request.params.id);
    if (!delivery.webhook.enabled || delivery.webhook.disabledReason !== null)
      throw conflict('the webhook is disabled; enable it before retrying');
    await retryDelivery(deps, delivery);
    request.log.info({ deliveryId: delivery.id, webhookId: delivery.webhookId, alertId: delivery.alertId }, 'delivery retried by request');
    return reply.code(202).send(presentDelivery(await findVisible(principal, delivery.id)));
  });
}
