import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { WEBHOOK_TYPES } from '@herald/core';
import { listDisabledWebhooks, readOverview, type OverviewScope } from '@herald/db';
import { principalOf, typed } from '../plugins/route-schemas';
import { guarded } from '../openapi/response-schemas';
import type { ServerDeps } from '../server-deps';

const id = z.string().meta({ format: 'uuid' });
const time = z.string().meta({ format: 'date-time' });

const overviewSchema = z
  .object({
    minutes: z
      .array(z.object({ minute: time, attempts: z.number().int(), delivered: z.number().int(), failed: z.number().int() }))
      .meta({ description: 'Attempts per minute over the last hour, oldest first (minutes without attempts left out).' }),
    failures: z
      .object({
        count: z.number().int(),
        latest: z.array(
          z.object({
            delivery_id: id,
            alert_id: id.nullable(),
            alert_title: z.string().nullable(),
            webhook_id: id,
            webhook_name: z.string(),
            status: z.enum(['failed', 'dead']),
            last_status_code: z.number().int().nullable(),
            last_error: z.string().nullable(),
            updated_at: time,
          }),
        ),
      })
      .meta({ description: 'Deliveries that ended failed or dead in the last 7 days (webhooks still there), and the latest ten.' }),
    waiting: z.object({ pending: z.number().int(), retrying: z.number().int(), oldest_pending_at: time.nullable() }),
    held: z
      .record(z.string(), z.number().int())
      .meta({ description: 'Alerts held by quiet hours and not yet sent in a digest, by scope (`system`, `org:<id>`).' }),
    disabled_webhooks: z.array(
      z.object({
        id,
        name: z.string(),
        type: z.enum(WEBHOOK_TYPES),
        org_id: z.number().int().nullable(),
        enabled: z.boolean(),
        disabled_reason: z.string().nullable(),
        disabled_at: time.nullable(),
      }),
    ),
    queue: z
      .object({
        waiting: z.number().int(),
        active: z.number().int(),
        delayed: z.number().int(),
        failed: z.number().int(),
        oldest_waiting_ms: z.number().int().nullable(),
      })
      .nullable()
      .meta({ description: 'The delivery queue (admins only; null for an org admin).' }),
  })
  .meta({ id: 'Overview' });

/** GET /v1/overview: the console's front page figures, for everything (admin) or the caller's organization. */
export function overviewRoutes(app: FastifyInstance, deps: ServerDeps): void {
  typed(app).get(
    '/v1/overview',
    {
      config: { roles: ['admin', 'org_admin'] },
      schema: {
        operationId: 'getOverview',
        tags: ['Console'],
        summary: 'Deliveries per minute, failures, waiting deliveries, held alerts and disabled webhooks',
        description:
          "The console's overview page. An admin sees everything and the delivery queue; an org admin its organization's figures.\n\n**Who:** admin, org_admin.",
        response: { 200: overviewSchema, ...guarded() },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const scope: OverviewScope = principal.role === 'admin' ? { kind: 'all' } : { kind: 'org', orgId: principal.orgId ?? -1 };
      const nowMs = (deps.now ?? Date.now)();
      const [figures, disabled, queue] = await Promise.all([
        readOverview(deps.sql, scope, nowMs),
        listDisabledWebhooks(deps.prisma, scope),
        principal.role === 'admin' ? queueFigures(deps, nowMs) : Promise.resolve(null),
      ]);
      return {
        ...figures,
        disabled_webhooks: disabled.map((webhook) => ({
          id: webhook.id,
          name: webhook.name,
          type: webhook.type,
          org_id: webhook.orgId,
          enabled: webhook.enabled,
          disabled_reason: webhook.disabledReason,
          disabled_at: webhook.disabledAt?.toISOString() ?? null,
        })),
        queue,
      };
    },
  );
}

/** BullMQ's own view (admins only, like the queue dashboard): jobs by state and the oldest waiting job's age. */
async function queueFigures(deps: ServerDeps, nowMs: number) {
  const queue = deps.queues.deliveries;
  const [counts, oldest] = await Promise.all([
    queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    queue.getJobs(['wait'], 0, 0, true),
  ]);
  const oldestTimestamp = oldest[0]?.timestamp;
  return { ...counts, oldest_waiting_ms: oldestTimestamp === undefined ? null : Math.max(0, nowMs - oldestTimestamp) };
}
