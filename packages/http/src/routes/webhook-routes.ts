import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { rotateSigningSecret } from '@herald/crypto';
import {
  deleteWebhookKeepingHistory,
  findOrganization,
  findWebhook as findWebhookRow,
  findWebhookDeliveriesSince,
  listWebhooks,
  updateWebhookRow,
} from '@herald/db';
import { audienceOf, canSeeOrg, type Role } from '../plugins/auth';
import { principalOf, typed } from '../plugins/route-schemas';
import { badRequest, conflict, forbidden, notFound } from '../http-errors';
import { createWebhookSchema, updateWebhookSchema } from '../validation/webhook-input';
import { int4StringSchema, timeSchema, uuidSchema } from '../validation/request-schemas';
import { createdWebhookSchema, guarded, listOf, webhookSchema } from '../openapi/response-schemas';
import type { ServerDeps } from '../server-deps';
import { createWebhook, presentWebhook, updateWebhook } from './webhook-service';
import { redeliver } from './redelivery';
import { createTestSender, sendTestAlert } from './webhook-test-send';

const REPLAY_BATCH = 200;
const REPLAYABLE = ['failed', 'dead'] as const;
async function findOrg(deps: ServerDeps, request: FastifyRequest, orgId: number) {
  if (!canSeeOrg(principalOf(request), orgId)) throw notFound('organization');
  const org = await findOrganization(deps.prisma, orgId);
  if (!org) throw notFound('organization');
  return org;
}

async function findWebhook(deps: ServerDeps, id: string, orgId: number | null) {
  const webhook = await findWebhookRow(deps.prisma, id);
  if (!webhook || webhook.orgId !== orgId) throw notFound('webhook');
  return webhook;
}

const testResult = z.object({
  ok: z.boolean(),
  status_code: z.number().int(),
  latency_ms: z.number().int(),
  response_excerpt: z.string().meta({ description: "The first 200 bytes of the endpoint's answer as text (control characters dropped)" }),
});
const rotatedSecret = webhookSchema.extend({
  signing_secret: z.string().meta({ description: 'The new secret; shown once.' }),
  previous_secret_expires_at: z.string().nullable().meta({ format: 'date-time' }),
});
const replayQuery = z.object({
  since: timeSchema
    .optional()
    .meta({ description: 'Required: replay deliveries created at or after this time (epoch seconds or ISO 8601)' }),
});
const replayResult = z.object({
  webhook_id: uuidSchema,
  since: z.string().meta({ format: 'date-time' }),
  replayed: z.number().int().meta({ description: 'Deliveries sent again' }),
  skipped: z.number().int().meta({ description: 'Matching deliveries a worker held at that moment' }),
});

interface WebhookScope {
  base: string;
  /** The part of operation ids and summaries that tells the two scopes apart. */
  name: 'System' | 'Org';
  roles: Role[];
  who: string;
  params: z.ZodObject;
  idParams: z.ZodObject;
  notFoundAs: Record<string, string>;
  /** The organization owning the webhooks (null: system), after the caller's access to it is checked. */
  owner(request: FastifyRequest): Promise<number | null>;
  requireEnterprise: boolean;
}

export function webhookRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const api = typed(app);
  // Test sends go through the worker's sender and SSRF guard: checked addresses only, no redirects.
  const testSender = createTestSender(deps);
  app.addHook('onClose', async () => testSender.close());
  const orgParams = z.object({ orgId: int4StringSchema });
  // Both scopes share the handlers: `owner` turns the request into the owning organization (null: system).
  const scopes: WebhookScope[] = [
    {
      base: '/v1/webhooks',
      name: 'System',
      roles: ['admin'],
      who: '**Who:** admin.',
      params: z.object({}),
      idParams: z.object({ id: uuidSchema }),
      notFoundAs: { id: 'webhook' },
      owner: async () => null,
      requireEnterprise: false,
    },
    {
      base: '/v1/orgs/:orgId/webhooks',
      name: 'Org',
      roles: ['admin', 'org_admin'],
      who: '**Who:** admin, org_admin (its own organization).',
      params: orgParams,
      idParams: orgParams.extend({ id: uuidSchema }),
      notFoundAs: { orgId: 'organization', id: 'webhook' },
      owner: async (request) => (await findOrg(deps, request, (request.params as { orgId: number }).orgId)).id,
      requireEnterprise: true,
    },
  ];
  for (const { base, name, roles, who, params, idParams, notFoundAs, owner, requireEnterprise } of scopes) {
    const config = { roles, notFoundAs };
    const tags = ['Webhooks'];
    const scopeText = name === 'System' ? 'system webhook' : "organization's webhook";
    const withId = { params: idParams };
    // Both scopes' params schemas hold `id` (a UUID by then); the shared handlers read it here.
    const ownedWebhook = async (request: FastifyRequest) => findWebhook(deps, (request.params as { id: string }).id, await owner(request));

    api.get(
      base,
      {
        config,
        schema: {
          operationId: `list${name}Webhooks`,
          tags,
          summary: `List ${scopeText}s`,
          description: who,
          params,
          response: { 200: listOf(webhookSchema), ...guarded(404) },
        },
      },
      async (request) => {
        const rows = await listWebhooks(deps.prisma, await owner(request));
        return { data: rows.map(presentWebhook) };
      },
    );

    api.post(
      base,
      {
        config,
        schema: {
          operationId: `create${name}Webhook`,
          tags,
          summary: `Create a ${scopeText}`,
          description: `The URL is checked (https, unless the host is an allowed private target: HERALD_ALLOWED_PRIVATE_TARGETS for system webhooks, the organization's allowed_private_targets for an organization's), encrypted before it is stored and only ever returned masked. \`type\` is inferred from the URL when omitted. A generic webhook gets a signing secret, returned once.${requireEnterprise ? ' Needs the Enterprise licence on the organization (403 otherwise).' : ''}\n\n${who}`,
          params,
          body: createWebhookSchema.meta({
            example: {
              name: 'Farm Discord',
              url: 'https://discord.com/api/webhooks/123/abc',
              alert_types: ['print_failed', 'printer_error'],
            },
          }),
          response: { 201: createdWebhookSchema, ...guarded(400, 404, 422) },
        },
      },
      async (request, reply) => {
        const orgId = await owner(request);
        if (requireEnterprise && orgId !== null) {
          const org = await findOrganization(deps.prisma, orgId);
          if (!org?.enterprise) throw forbidden('organization webhooks need the Enterprise licence for this organization');
        }
        const { webhook, signingSecret } = await createWebhook(deps, orgId, request.body, { audience: audienceOf(principalOf(request)) });
        return reply.code(201).send({ ...presentWebhook(webhook), ...(signingSecret ? { signing_secret: signingSecret } : {}) });
      },
    );

    api.get(
      `${base}/:id`,
      {
        config,
        schema: {
          operationId: `get${name}Webhook`,
          tags,
          summary: `One ${scopeText}`,
          description: who,
          ...withId,
          response: { 200: webhookSchema, ...guarded(404) },
        },
      },
      async (request) => presentWebhook(await ownedWebhook(request)),
    );

    api.patch(
      `${base}/:id`,
      {
        config,
        schema: {
          operationId: `update${name}Webhook`,
          tags,
          summary: `Change a ${scopeText}`,
          description: `Enabling it again, or giving it a new URL, clears an automatic disable.\n\n${who}`,
          ...withId,
          body: updateWebhookSchema.meta({ example: { enabled: true, alert_types: [] } }),
          response: { 200: webhookSchema, ...guarded(400, 404, 422) },
        },
      },
      async (request) =>
        presentWebhook(
          await updateWebhook(deps, await ownedWebhook(request), request.body, { audience: audienceOf(principalOf(request)) }),
        ),
    );

    api.delete(
      `${base}/:id`,
      {
        config,
        schema: {
          operationId: `delete${name}Webhook`,
          tags,
          summary: `Delete a ${scopeText}`,
          description: who,
          ...withId,
          response: { 204: z.null().meta({ description: 'Deleted' }), ...guarded(404) },
        },
      },
      async (request, reply) => {
        const existing = await ownedWebhook(request);
        await deleteWebhookKeepingHistory(deps.prisma, existing.id);
        await deps.announceDirectoryChange();
        return reply.code(204).send();
      },
    );

    api.post(
      `${base}/:id/test`,
      {
        config,
        schema: {
          operationId: `test${name}Webhook`,
          tags,
          summary: `Send a test alert to a ${scopeText}`,
          description: `Sends a test alert in the webhook's format and reports what the endpoint answered: status, latency and the first bytes of its answer.\n\n${who}`,
          ...withId,
          response: { 200: testResult, ...guarded(404, 422, 502) },
        },
      },
      async (request) => {
        const webhook = await ownedWebhook(request);
        return sendTestAlert(deps, testSender, webhook, audienceOf(principalOf(request)));
      },
    );

    // A new signing secret, shown once; the old one keeps signing alongside it for 24 hours.
    api.post(
      `${base}/:id/rotate-secret`,
      {
        config,
        schema: {
          operationId: `rotate${name}WebhookSecret`,
          tags,
          summary: `Rotate the signing secret of a generic ${scopeText}`,
          description: `The new secret is shown once; the old one keeps signing alongside it for 24 hours.\n\n${who}`,
          ...withId,
          response: { 200: rotatedSecret, ...guarded(404, 409) },
        },
      },
      async (request) => {
        const existing = await ownedWebhook(request);
        if (existing.type !== 'generic') throw conflict('only generic webhooks are signed; requests to chat services carry no signature');
        const { secret, data } = rotateSigningSecret(existing, deps.cipher, { now: new Date((deps.now ?? Date.now)()) });
        const webhook = await updateWebhookRow(deps.prisma, existing.id, data);
        await deps.announceDirectoryChange();
        return {
          ...presentWebhook(webhook),
          signing_secret: secret,
          previous_secret_expires_at: data.previousSecretExpiresAt?.toISOString() ?? null,
        };
      },
    );

    // Re-sends the endpoint's failed and dead deliveries created since `since`, e.g. after an outage.
    api.post(
      `${base}/:id/replay`,
      {
        config,
        schema: {
          operationId: `replay${name}Webhook`,
          tags,
          summary: `Send a ${scopeText}'s failed and dead deliveries again`,
          description: `Re-sends the endpoint's failed and dead deliveries created since \`since\`, e.g. after an outage.\n\n${who}`,
          ...withId,
          querystring: replayQuery,
          response: { 202: replayResult, ...guarded(400, 404, 409, 503) },
        },
      },
      async (request, reply) => {
        const webhook = await ownedWebhook(request);
        const since = request.query.since;
        if (!since) throw badRequest([{ field: 'since', message: 'required: replay deliveries created at or after this time' }]);
        if (!webhook.enabled || webhook.disabledReason !== null) throw conflict('the webhook is disabled; enable it before replaying');
        let replayed = 0;
        let matched = 0;
        let after: string | undefined;
        for (;;) {
          const batch = await findWebhookDeliveriesSince(
            deps.prisma,
            { webhookId: webhook.id, statuses: REPLAYABLE, since, afterId: after },
            REPLAY_BATCH,
          );
          if (batch.length === 0) break;
          matched += batch.length;
          replayed += (await redeliver(deps, batch, REPLAYABLE)).length;
          after = batch[batch.length - 1]?.id;
        }
        request.log.info({ webhookId: webhook.id, replayed, skipped: matched - replayed }, 'webhook deliveries replayed by request');
        return reply.code(202).send({ webhook_id: webhook.id, since: since.toISOString(), replayed, skipped: matched - replayed });
      },
    );
  }
}
