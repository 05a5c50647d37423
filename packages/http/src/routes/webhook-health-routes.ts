import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readWebhookHealth } from '@herald/db';
import { canSeeOrg } from '../plugins/auth';
import { principalOf, typed } from '../plugins/route-schemas';
import { notFound } from '../http-errors';
import { guarded, listOf } from '../openapi/response-schemas';
import { int4StringSchema } from '../validation/request-schemas';
import type { ServerDeps } from '../server-deps';

const time = z.string().meta({ format: 'date-time' });

const webhookHealthSchema = z
  .object({
    webhook_id: z.string().meta({ format: 'uuid' }),
    failure_streak: z.number().int().meta({ description: 'Consecutive failed attempts' }),
    failing_since: time.nullable(),
    last_status: z.string().nullable().meta({ description: 'Status of the delivery attempted most recently' }),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    last_attempt_at: time.nullable(),
  })
  .meta({ id: 'WebhookHealth' });

/**
 * GET /v1/webhook-health[?org_id=N]: failure streak and last attempt of the system webhooks (admin)
 * or of one organization's webhooks (an org admin: its own only).
 */
export function webhookHealthRoutes(app: FastifyInstance, deps: ServerDeps): void {
  typed(app).get(
    '/v1/webhook-health',
    {
      config: { roles: ['admin', 'org_admin'] },
      schema: {
        operationId: 'listWebhookHealth',
        tags: ['Console'],
        summary: 'Health of the system webhooks or of one organization’s webhooks',
        description:
          "Failure streak and the last attempt (status, code, error, time) of each webhook. Without `org_id`: the system webhooks (admin) or the caller's organization (org admin).\n\n**Who:** admin, org_admin (its own organization).",
        querystring: z.object({ org_id: int4StringSchema.optional().meta({ description: 'One organization’s webhooks' }) }),
        response: { 200: listOf(webhookHealthSchema), ...guarded(400, 404) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const orgId = request.query.org_id ?? (principal.role === 'admin' ? null : principal.orgId);
      if (orgId !== null && !canSeeOrg(principal, orgId)) throw notFound('organization');
      if (orgId === null && principal.role !== 'admin') throw notFound('organization');
      return { data: await readWebhookHealth(deps.sql, orgId) };
    },
  );
}
