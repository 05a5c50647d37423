import type { FastifyInstance } from 'fastify';
import { listDisabledWebhooks, readOverview, type OverviewScope } from '@herald/db';
import { requireRole } from '../plugins/auth';
import type { ServerDeps } from '../server-deps';

/** GET /v1/overview: the console's front page figures, for everything (admin) or the caller's organization. */
export function overviewRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/v1/overview', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
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
  });
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
