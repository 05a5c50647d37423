import type { FastifyInstance } from 'fastify';
import { readWebhookHealth } from '@herald/db';
import { canSeeOrg, requireRole } from '../plugins/auth';
import { notFound } from '../http-errors';
import { parsePositiveInt } from '../validation/query-params';
import type { ServerDeps } from '../server-deps';

/**
 * GET /v1/webhook-health[?org_id=N]: failure streak and last attempt of the system webhooks (admin)
 * or of one organization's webhooks (an org admin: its own only).
 */
export function webhookHealthRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get<{ Querystring: { org_id?: string } }>('/v1/webhook-health', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    const orgId = parsePositiveInt('org_id', request.query.org_id) ?? (principal.role === 'admin' ? null : principal.orgId);
    if (orgId !== null && !canSeeOrg(principal, orgId)) throw notFound('organization');
    if (orgId === null && principal.role !== 'admin') throw notFound('organization');
    return { data: await readWebhookHealth(deps.sql, orgId) };
  });
}
