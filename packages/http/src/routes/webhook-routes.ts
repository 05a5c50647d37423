import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addressChannelBody, buildTestAlert, formatAlertPayload, resolveChannelTarget } from '@herald/core';
import { USER_AGENT } from '@herald/config';
import { rotateSigningSecret, signWebhook } from '@herald/crypto';
import { createGuardedAgent, isSsrfBlockedError } from '@herald/net-guard';
import { request as undiciRequest } from 'undici';
import { canSeeOrg, requireRole } from '../plugins/auth';
import { badRequest, conflict, forbidden, notFound, HttpError } from '../http-errors';
import { parseBody } from '../validation/zod-errors';
import { createWebhookSchema, updateWebhookSchema } from '../validation/webhook-input';
import type { ServerDeps } from '../server-deps';
import { createWebhook, presentWebhook, updateWebhook } from './webhook-service';
import { parseTime } from '../validation/query-params';
import { int4IdOrUndefined } from '../validation/int4-ids';
import { redeliver } from './redelivery';

const REPLAY_BATCH = 200;
const REPLAYABLE = ['failed', 'dead'] as const;

const UUID = /^[0-9a-f-]{36}$/i;

/** The organization a route under /v1/orgs/:orgId is about, after the caller's access to it is checked. */
async function resolveOrg(deps: ServerDeps, request: FastifyRequest, rawOrgId: string) {
  const principal = requireRole(request, 'admin', 'org_admin');
  const orgId = int4IdOrUndefined(rawOrgId);
  if (orgId === undefined || !canSeeOrg(principal, orgId)) throw notFound('organization');
  const org = await deps.prisma.organization.findUnique({ where: { id: orgId } });
  if (!org) throw notFound('organization');
  return org;
}

async function findWebhook(deps: ServerDeps, id: string, orgId: number | null) {
  if (!UUID.test(id)) throw notFound('webhook');
  const webhook = await deps.prisma.webhook.findUnique({ where: { id } });
  if (!webhook || webhook.orgId !== orgId) throw notFound('webhook');
  return webhook;
}

export function webhookRoutes(app: FastifyInstance, deps: ServerDeps): void {
  // Test sends go through the same SSRF guard as the worker: checked addresses only, no redirects.
  const testAgent = createGuardedAgent({
    allowedPrivateTargets: deps.config.allowedPrivateTargets,
    connectTimeoutMs: deps.config.worker.connectTimeoutMs,
    lookupTimeoutMs: deps.config.worker.connectTimeoutMs,
  });
  app.addHook('onClose', async () => testAgent.close());
  // Both scopes share the handlers: `scope` turns the request into the owning organization (null: system).
  const scopes = [
    { base: '/v1/webhooks', scope: async (request: FastifyRequest) => (requireRole(request, 'admin'), null) },
    {
      base: '/v1/orgs/:orgId/webhooks',
      scope: async (request: FastifyRequest) => (await resolveOrg(deps, request, (request.params as { orgId: string }).orgId)).id,
      requireEnterprise: true,
    },
  ];
  for (const { base, scope, requireEnterprise } of scopes) {
    app.get(base, async (request) => {
      const orgId = await scope(request);
      const rows = await deps.prisma.webhook.findMany({ where: { orgId }, orderBy: { createdAt: 'asc' } });
      return { data: rows.map(presentWebhook) };
    });

    app.post(base, async (request, reply) => {
      const orgId = await scope(request);
      if (requireEnterprise && orgId !== null) {
        const org = await deps.prisma.organization.findUnique({ where: { id: orgId } });
        if (!org?.enterprise) throw forbidden('organization webhooks need the Enterprise licence for this organization');
      }
      const input = parseBody(createWebhookSchema, request.body);
      const { webhook, signingSecret } = await createWebhook(deps, orgId, input);
      return reply.code(201).send({ ...presentWebhook(webhook), ...(signingSecret ? { signing_secret: signingSecret } : {}) });
    });

    app.get<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
      const orgId = await scope(request);
      return presentWebhook(await findWebhook(deps, request.params.id, orgId));
    });

    app.patch<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
      const orgId = await scope(request);
      const existing = await findWebhook(deps, request.params.id, orgId);
      const input = parseBody(updateWebhookSchema, request.body);
      return presentWebhook(await updateWebhook(deps, existing, input));
    });

    app.delete<{ Params: { id: string } }>(`${base}/:id`, async (request, reply) => {
      const orgId = await scope(request);
      const existing = await findWebhook(deps, request.params.id, orgId);
      await deps.prisma.webhook.delete({ where: { id: existing.id } });
      await deps.announceDirectoryChange();
      return reply.code(204).send();
    });

    app.post<{ Params: { id: string } }>(`${base}/:id/test`, async (request) => {
      const orgId = await scope(request);
      const webhook = await findWebhook(deps, request.params.id, orgId);
      const nowMs = (deps.now ?? Date.now)();
      const url = deps.cipher.decrypt(webhook.urlEncrypted);
      const target = resolveChannelTarget(webhook.type, url);
      const body = JSON.stringify(addressChannelBody(target, formatAlertPayload(webhook.type, buildTestAlert(nowMs))));
      const testId = `test_${nowMs}`;
      // As the worker sends (request-headers.ts): the webhook's headers, the channel's, then Herald's.
      const headers: Record<string, string> = {
        'user-agent': USER_AGENT,
        ...(webhook.headersEncrypted ? (JSON.parse(deps.cipher.decrypt(webhook.headersEncrypted)) as Record<string, string>) : {}),
        ...target.headers,
        'content-type': 'application/json',
        'webhook-id': testId,
        'webhook-timestamp': String(Math.floor(nowMs / 1000)),
      };
      if (webhook.type === 'generic' && webhook.signingSecretEncrypted) {
        headers['webhook-signature'] = signWebhook({
          id: testId,
          timestampSeconds: Math.floor(nowMs / 1000),
          body,
          secrets: [deps.cipher.decrypt(webhook.signingSecretEncrypted)],
        });
      }
      const started = performance.now();
      try {
        const response = await undiciRequest(target.requestUrl, {
          method: 'POST',
          body,
          headers,
          dispatcher: testAgent,
          signal: AbortSignal.timeout(deps.config.worker.requestTimeoutMs),
        });
        await response.body.dump().catch(() => undefined);
        return {
          ok: response.statusCode >= 200 && response.statusCode < 300,
          status_code: response.statusCode,
          latency_ms: Math.round(performance.now() - started),
        };
      } catch (error) {
        if (isSsrfBlockedError(error)) throw new HttpError(422, 'destination_blocked', error.message);
        const code = (error as { code?: string }).code;
        throw new HttpError(502, 'endpoint_unreachable', `the endpoint did not answer${code ? ` (${code})` : ''}`);
      }
    });

    // A new signing secret, shown once; the old one keeps signing alongside it for 24 hours.
    app.post<{ Params: { id: string } }>(`${base}/:id/rotate-secret`, async (request) => {
      const orgId = await scope(request);
      const existing = await findWebhook(deps, request.params.id, orgId);
      if (existing.type !== 'generic') throw conflict('only generic webhooks are signed; requests to chat services carry no signature');
      const { secret, data } = rotateSigningSecret(existing, deps.cipher, { now: new Date((deps.now ?? Date.now)()) });
      const webhook = await deps.prisma.webhook.update({ where: { id: existing.id }, data });
      await deps.announceDirectoryChange();
      return {
        ...presentWebhook(webhook),
        signing_secret: secret,
        previous_secret_expires_at: data.previousSecretExpiresAt?.toISOString() ?? null,
      };
    });

    // Re-sends the endpoint's failed and dead deliveries created since `since`, e.g. after an outage.
    app.post<{ Params: { id: string }; Querystring: { since?: string } }>(`${base}/:id/replay`, async (request, reply) => {
      const orgId = await scope(request);
      const webhook = await findWebhook(deps, request.params.id, orgId);
      const since = parseTime('since', request.query.since);
      if (!since) throw badRequest([{ field: 'since', message: 'required: replay deliveries created at or after this time' }]);
      if (!webhook.enabled || webhook.disabledReason !== null) throw conflict('the webhook is disabled; enable it before replaying');
      let replayed = 0;
      let matched = 0;
      let after: string | undefined;
      for (;;) {
        const batch = await deps.prisma.delivery.findMany({
          where: {
            webhookId: webhook.id,
            status: { in: [...REPLAYABLE] },
            createdAt: { gte: since },
            ...(after ? { id: { gt: after } } : {}),
          },
          select: { id: true, webhookId: true, kind: true, alertId: true },
          orderBy: { id: 'asc' },
          take: REPLAY_BATCH,
        });
        if (batch.length === 0) break;
        matched += batch.length;
        replayed += (await redeliver(deps, batch, REPLAYABLE)).length;
        after = batch[batch.length - 1]?.id;
      }
      request.log.info({ webhookId: webhook.id, replayed, skipped: matched - replayed }, 'webhook deliveries replayed by request');
      return reply.code(202).send({ webhook_id: webhook.id, since: since.toISOString(), replayed, skipped: matched - replayed });
    });
  }
}
