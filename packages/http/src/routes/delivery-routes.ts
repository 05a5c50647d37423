import type { FastifyInstance } from 'fastify';
import { findVisibleDelivery, listDeliveries } from '@herald/db';
import { z } from 'zod';
import { audienceOf, type Principal } from '../plugins/auth';
import { principalOf, typed } from '../plugins/route-schemas';
import { conflict, notFound } from '../http-errors';
import { presentDelivery } from '../presenters';
import type { ServerDeps } from '../server-deps';
import { limitSchema, oneOf, uuidIdParams, uuidSchema } from '../validation/request-schemas';
import { DELIVERY_STATUSES, deliverySchema, guarded, pageOf } from '../openapi/response-schemas';
import { retryDelivery } from './redelivery';
import { sendWaitingRetryNow } from './retry-now';

export { DELIVERY_STATUSES } from '../openapi/response-schemas';

const deliveryListQuery = z.object({
  status: oneOf(DELIVERY_STATUSES).optional(),
  webhook_id: uuidSchema.optional(),
  alert_id: uuidSchema.optional(),
  cursor: uuidSchema.optional().meta({ description: 'Id of the last item of the previous page' }),
  limit: limitSchema,
});

const WHO = "**Who:** admin, org_admin (deliveries to its organization's webhooks only).";
const readers = { roles: ['admin' as const, 'org_admin' as const], notFoundAs: { id: 'delivery' } };

/** null: the principal sees every delivery; else the organization whose deliveries it sees (see `findVisibleDelivery`). */
export function deliveryViewer(principal: Principal): number | null {
  return principal.role === 'admin' ? null : (principal.orgId ?? -1);
}

export function deliveryRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const api = typed(app);
  const findVisible = async (principal: Principal, id: string) => {
    const delivery = await findVisibleDelivery(deps.prisma, id, deliveryViewer(principal));
    if (!delivery) throw notFound('delivery');
    return delivery;
  };

  api.get(
    '/v1/deliveries',
    {
      config: readers,
      schema: {
        operationId: 'listDeliveries',
        tags: ['Deliveries'],
        summary: 'Deliveries, newest first',
        description: WHO,
        querystring: deliveryListQuery,
        response: { 200: pageOf(deliverySchema), ...guarded(400) },
      },
    },
    async (request) => {
      const { status, webhook_id: webhookId, alert_id: alertId, cursor, limit } = request.query;
      const rows = await listDeliveries(
        deps.prisma,
        {
          viewerOrgId: deliveryViewer(principalOf(request)),
          status: status || undefined,
          webhookId: webhookId || undefined,
          alertId: alertId || undefined,
          beforeId: cursor || undefined,
        },
        limit + 1,
      );
      const page = rows.slice(0, limit);
      return {
        data: page.map((row) => presentDelivery(row, audienceOf(principalOf(request)))),
        next_cursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
      };
    },
  );

  api.get(
    '/v1/deliveries/:id',
    {
      config: readers,
      schema: {
        operationId: 'getDelivery',
        tags: ['Deliveries'],
        summary: 'One delivery with every attempt',
        description: WHO,
        params: uuidIdParams,
        response: { 200: deliverySchema, ...guarded(404) },
      },
    },
    async (request) => presentDelivery(await findVisible(principalOf(request), request.params.id), audienceOf(principalOf(request))),
  );

  api.post(
    '/v1/deliveries/:id/retry',
    {
      config: readers,
      schema: {
        operationId: 'retryDelivery',
        tags: ['Deliveries'],
        summary: 'Send a failed, dead or cancelled delivery again, or a waiting one now',
        description: `A failed, dead or cancelled delivery goes back to \`pending\` and gets one more attempt; its job id stays the delivery id. A delivery waiting for its next retry (\`retrying\`) is attempted at once (Retry now); 409 if it is no longer waiting. A delivery that has just ended is retried once its job has finished wrapping up (up to 2 s).\n\n${WHO}`,
        params: uuidIdParams,
        response: { 202: deliverySchema, ...guarded(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const delivery = await findVisible(principal, request.params.id);
      if (!delivery.webhook) throw conflict('its webhook was deleted; the delivery is kept as history');
      if (!delivery.webhook.enabled || delivery.webhook.disabledReason !== null)
        throw conflict('the webhook is disabled; enable it before retrying');
      if (delivery.status === 'retrying') await sendWaitingRetryNow(deps.queues, delivery.id);
      else await retryDelivery(deps, delivery);
      request.log.info(
        { deliveryId: delivery.id, webhookId: delivery.webhookId, alertId: delivery.alertId },
        'delivery retried by request',
      );
      return reply.code(202).send(presentDelivery(await findVisible(principal, delivery.id), audienceOf(principal)));
    },
  );
}
