import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ALERT_TYPES, alertBatchSchema, alertInputSchema, SEVERITIES } from '@herald/core';
import { findAlertWithDeliveries, listAlerts } from '@herald/db';
import { audienceOf, canSeeOrg, type Principal } from '../plugins/auth';
import { principalOf, typed, validatedByHandler } from '../plugins/route-schemas';
import { notFound } from '../http-errors';
import { presentAlert } from '../presenters';
import { deliveryViewer } from './delivery-routes';
import type { ServerDeps } from '../server-deps';
import { int4StringSchema, limitSchema, oneOf, timeSchema, uuidIdParams, uuidSchema } from '../validation/request-schemas';
import { ALERT_STATUSES, alertSchema, guarded, pageOf } from '../openapi/response-schemas';

export { ALERT_STATUSES } from '../openapi/response-schemas';

const ALERT_BODY_LIMIT = 64 * 1024;
const BATCH_BODY_LIMIT = 1024 * 1024;

const alertListQuery = z.object({
  type: oneOf(ALERT_TYPES as unknown as [string, ...string[]]).optional(),
  severity: oneOf(SEVERITIES).optional(),
  status: oneOf(ALERT_STATUSES).optional(),
  printer_id: int4StringSchema.optional(),
  org_id: int4StringSchema.optional().meta({ description: 'Admins only: one organization' }),
  since: timeSchema.optional().meta({ description: 'Occurred at or after (epoch seconds or ISO 8601)' }),
  until: timeSchema.optional().meta({ description: 'Occurred before (epoch seconds or ISO 8601)' }),
  cursor: uuidSchema.optional().meta({ description: 'Id of the last item of the previous page' }),
  limit: limitSchema,
});

const alertDeliveriesQuery = z.object({
  deliveries_limit: z
    .string()
    .regex(/^\d+$/, { error: 'must be an integer from 1 to 500' })
    .transform(Number)
    .pipe(z.number().min(1, { error: 'must be an integer from 1 to 500' }).max(500, { error: 'must be an integer from 1 to 500' }))
    .optional()
    .transform((limit) => limit ?? 100)
    .meta({ description: 'Deliveries per page (default 100, at most 500)' }),
  deliveries_cursor: uuidSchema.optional().meta({ description: 'Id of the last delivery of the previous page' }),
});

const ALERT_EXAMPLE = {
  type: 'print_failed',
  severity: 'critical',
  title: 'Print failed on Prusa MK4 #3',
  message: 'Layer shift detected at layer 112',
  printer_id: 3,
  timestamp: 1764576000,
};

// The ingestor validates alerts itself (the same zod schemas, with its own error answers).
const alertBody = validatedByHandler(alertInputSchema.meta({ example: ALERT_EXAMPLE }));
const batchBody = validatedByHandler(alertBatchSchema.meta({ example: { alerts: [ALERT_EXAMPLE] } }));

export function alertRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const api = typed(app);
  const ingest = { roles: ['admin' as const, 'ingestor' as const] };
  const sender = (principal: Principal) => ({
    id: principal.tokenId,
    orgId: principal.role === 'ingestor' ? principal.orgId : null,
  });

  api.post(
    '/v1/alerts',
    {
      bodyLimit: ALERT_BODY_LIMIT,
      config: ingest,
      schema: {
        operationId: 'createAlert',
        tags: ['Alerts'],
        summary: 'Send one alert',
        description:
          'Saved, routed and queued before the answer. A repeated `dedupe_key` from the same token answers 200 `duplicate` with the first id. Body limit 64 KiB.\n\n**Who:** admin, ingestor.',
        body: alertBody,
        response: {
          200: z.object({ id: uuidSchema, status: z.literal('duplicate') }).meta({ description: 'Already received' }),
          202: z.object({ id: uuidSchema, status: z.literal('queued') }).meta({ description: 'Accepted' }),
          ...guarded(400, 413, 415, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const ref = await deps.ingestor.ingestOne(request.body, sender(principalOf(request)));
      return reply.code(ref.created ? 202 : 200).send({ id: ref.id, status: ref.created ? 'queued' : 'duplicate' });
    },
  );

  api.post(
    '/v1/alerts/batch',
    {
      bodyLimit: BATCH_BODY_LIMIT,
      config: ingest,
      schema: {
        operationId: 'createAlertBatch',
        tags: ['Alerts'],
        summary: 'Send up to 1000 alerts at once',
        description: 'All or nothing: one bad item rejects the batch, naming its index. Body limit 1 MiB.\n\n**Who:** admin, ingestor.',
        body: batchBody,
        response: {
          202: z.object({ ids: z.array(uuidSchema), duplicates: z.number().int() }),
          ...guarded(400, 413, 415, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const refs = await deps.ingestor.ingestBatch(request.body, sender(principalOf(request)));
      return reply.code(202).send({ ids: refs.map((ref) => ref.id), duplicates: refs.filter((ref) => !ref.created).length });
    },
  );

  api.get(
    '/v1/alerts/:id',
    {
      config: { roles: ['admin', 'org_admin'], notFoundAs: { id: 'alert' } },
      schema: {
        operationId: 'getAlert',
        tags: ['Alerts'],
        summary: 'One alert with its deliveries and every attempt',
        description: "**Who:** admin, org_admin (its organization's alerts).",
        params: uuidIdParams,
        querystring: alertDeliveriesQuery,
        response: { 200: alertSchema, ...guarded(400, 404) },
      },
    },
    // An alert can fan out to thousands of webhooks: its deliveries come in pages (oldest first).
    async (request) => {
      const { deliveries_limit: limit, deliveries_cursor: cursor } = request.query;
      // One more than the page: whether a next page exists.
      const principal = principalOf(request);
      const alert = await findAlertWithDeliveries(deps.prisma, request.params.id, {
        take: limit + 1,
        afterId: cursor,
        viewerOrgId: deliveryViewer(principal),
      });
      if (!alert || !canSeeOrg(principal, alert.orgId)) throw notFound('alert');
      const page = alert.deliveries.slice(0, limit);
      return {
        ...presentAlert(alert, page, audienceOf(principal)),
        deliveries_next_cursor: alert.deliveries.length > limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );

  api.get(
    '/v1/alerts',
    {
      config: { roles: ['admin', 'org_admin'] },
      schema: {
        operationId: 'listAlerts',
        tags: ['Alerts'],
        summary: 'Alerts, newest first',
        description: "**Who:** admin, org_admin (its organization's alerts).",
        querystring: alertListQuery,
        response: { 200: pageOf(alertSchema), ...guarded(400) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const q = request.query;
      const filter = {
        type: q.type || undefined,
        severity: q.severity || undefined,
        status: q.status || undefined,
        printerId: q.printer_id || undefined,
        orgId: principal.role === 'org_admin' ? (principal.orgId ?? -1) : q.org_id,
        since: q.since || undefined,
        until: q.until || undefined,
        beforeId: q.cursor || undefined,
      };
      const rows = await listAlerts(deps.prisma, filter, q.limit + 1);
      const page = rows.slice(0, q.limit);
      return {
        data: page.map((row) => presentAlert(row)),
        next_cursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
      };
    },
  );
}
