import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { WEBHOOK_TYPES } from '@herald/core';
import {
  deleteWebhookKeepingHistory,
  findOrganization,
  findOrgSettingWebhook,
  findPrinter,
  insertOrganization,
  listOrganizations,
  listPrinters,
  savePrinter,
  updateOrganization,
  type Organization,
} from '@herald/db';
import { audienceOf, canSeeOrg } from '../plugins/auth';
import { principalOf, typed } from '../plugins/route-schemas';
import { badRequest, forbidden, notFound } from '../http-errors';
import { allowListProblems } from '../validation/private-targets';
import { int4IdSchema } from '../validation/int4-ids';
import { int4IdParams } from '../validation/request-schemas';
import { guarded, listOf, organizationSchema, printerResponseSchema, webhookSchema } from '../openapi/response-schemas';
import type { ServerDeps } from '../server-deps';
import { createWebhook, presentWebhook, typeForNewUrl, updateWebhook } from './webhook-service';

const allowedPrivateTargetsSchema = z
  .array(z.string().trim().min(1).max(253))
  .max(100)
  .meta({
    description:
      "Private targets this organization's webhooks may reach (same syntax as HERALD_ALLOWED_PRIVATE_TARGETS: CIDRs, addresses, exact host names). Empty: public destinations only. Set by an admin only.",
    example: ['192.168.20.0/24', '10.1.2.3'],
  });
export const createOrgSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    enterprise: z.boolean().default(false),
    allowed_private_targets: allowedPrivateTargetsSchema.optional(),
  })
  .meta({ example: { name: 'Main farm', enterprise: true } });
export const updateOrgSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    enterprise: z.boolean().optional(),
    allowed_private_targets: allowedPrivateTargetsSchema.optional(),
  })
  .meta({ example: { enterprise: true, allowed_private_targets: ['192.168.20.0/24'] } });
export const orgSettingsSchema = z
  .strictObject({
    webhook_url: z.string().min(1).max(2048).nullable(),
    webhook_type: z.enum(WEBHOOK_TYPES).optional(),
  })
  .meta({ example: { webhook_url: 'https://discord.com/api/webhooks/123/abc' } });
export const printerSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(128),
    org_id: int4IdSchema.nullable().default(null),
  })
  .meta({ example: { name: 'Prusa MK4 #3', org_id: 1 } });

export function presentOrg(org: Organization) {
  return {
    id: org.id,
    name: org.name,
    enterprise: org.enterprise,
    allowed_private_targets: org.allowedPrivateTargets,
    created_at: org.createdAt.toISOString(),
  };
}

/** The body's fields as the organizations table has them; 400 naming each allow-list entry that does not parse. */
function orgColumns(body: { name?: string; enterprise?: boolean; allowed_private_targets?: string[] }) {
  const { allowed_private_targets: targets, ...rest } = body;
  if (targets === undefined) return rest;
  const problems = allowListProblems('allowed_private_targets', targets);
  if (problems.length > 0) throw badRequest(problems);
  return { ...rest, allowedPrivateTargets: [...new Set(targets)] };
}

const orgSettingsAnswer = z.object({
  webhook_url: z.string().nullable().meta({ description: 'Masked' }),
  webhook: webhookSchema.nullable(),
});

const ADMIN = ['admin' as const];
const READERS = ['admin' as const, 'org_admin' as const];
const ORG_ID = { id: 'organization' };

export function orgRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const api = typed(app);
  const orgTag = { tags: ['Organizations'] };

  api.get(
    '/v1/orgs',
    {
      config: { roles: READERS },
      schema: {
        operationId: 'listOrgs',
        ...orgTag,
        summary: 'Organizations',
        description: '**Who:** admin, org_admin (its own).',
        response: { 200: listOf(organizationSchema), ...guarded() },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const rows = await listOrganizations(deps.prisma, principal.role === 'admin' ? null : (principal.orgId ?? -1));
      return { data: rows.map(presentOrg) };
    },
  );

  api.post(
    '/v1/orgs',
    {
      config: { roles: ADMIN },
      schema: {
        operationId: 'createOrg',
        ...orgTag,
        summary: 'Create an organization',
        description: '**Who:** admin.',
        body: createOrgSchema,
        response: { 201: organizationSchema, ...guarded(400) },
      },
    },
    async (request, reply) => {
      const org = await insertOrganization(deps.prisma, { enterprise: false, ...orgColumns(request.body), name: request.body.name });
      await deps.announceDirectoryChange();
      return reply.code(201).send(presentOrg(org));
    },
  );

  api.get(
    '/v1/orgs/:id',
    {
      config: { roles: READERS, notFoundAs: ORG_ID },
      schema: {
        operationId: 'getOrg',
        ...orgTag,
        summary: 'One organization',
        description: '**Who:** admin, org_admin (its own).',
        params: int4IdParams,
        response: { 200: organizationSchema, ...guarded(404) },
      },
    },
    async (request) => {
      const id = request.params.id;
      const org = canSeeOrg(principalOf(request), id) ? await findOrganization(deps.prisma, id) : null;
      if (!org) throw notFound('organization');
      return presentOrg(org);
    },
  );

  api.patch(
    '/v1/orgs/:id',
    {
      config: { roles: ADMIN, notFoundAs: ORG_ID },
      schema: {
        operationId: 'updateOrg',
        ...orgTag,
        summary: 'Rename an organization, change its licence or its private-target allow-list',
        description:
          "`allowed_private_targets` replaces the organization's allow-list: the private targets its webhooks may reach (save, test send and every delivery). Org admins see it but cannot change it (403).\n\n**Who:** admin.",
        params: int4IdParams,
        body: updateOrgSchema,
        response: { 200: organizationSchema, ...guarded(400, 404) },
      },
    },
    async (request) => {
      const id = request.params.id;
      const existing = await findOrganization(deps.prisma, id);
      if (!existing) throw notFound('organization');
      const org = await updateOrganization(deps.prisma, id, orgColumns(request.body));
      await deps.announceDirectoryChange();
      return presentOrg(org);
    },
  );

  // The print-farm manager's single "Webhook URL" organization setting, kept as one managed webhook.
  api.put(
    '/v1/orgs/:id/settings',
    {
      config: { roles: READERS, notFoundAs: ORG_ID },
      schema: {
        operationId: 'putOrgSettings',
        ...orgTag,
        summary: "Set the organization's webhook URL (the print-farm manager's setting)",
        description:
          'Kept as one managed webhook of the organization; `null` removes it. Needs the Enterprise licence on the organization.\n\n**Who:** admin, org_admin (its own).',
        params: int4IdParams,
        body: orgSettingsSchema,
        response: { 200: orgSettingsAnswer, ...guarded(400, 404, 422) },
      },
    },
    async (request) => {
      const id = request.params.id;
      const org = canSeeOrg(principalOf(request), id) ? await findOrganization(deps.prisma, id) : null;
      if (!org) throw notFound('organization');
      const input = request.body;
      const existing = await findOrgSettingWebhook(deps.prisma, id);
      if (input.webhook_url === null) {
        if (existing) {
          await deleteWebhookKeepingHistory(deps.prisma, existing.id);
          await deps.announceDirectoryChange();
        }
        return { webhook_url: null, webhook: null };
      }
      if (!org.enterprise) throw forbidden('organization webhooks need the Enterprise licence for this organization');
      const webhook = existing
        ? await updateWebhook(
            deps,
            existing,
            { url: input.webhook_url, type: input.webhook_type ?? typeForNewUrl(deps, existing, input.webhook_url) },
            { urlField: 'webhook_url', audience: audienceOf(principalOf(request)) },
          )
        : (
            await createWebhook(
              deps,
              id,
              {
                name: `${org.name} webhook`,
                url: input.webhook_url,
                type: input.webhook_type,
                alert_types: [],
                severities: [],
                enabled: true,
              },
              { isOrgSetting: true, urlField: 'webhook_url', audience: audienceOf(principalOf(request)) },
            )
          ).webhook;
      return { webhook_url: webhook.urlMasked, webhook: presentWebhook(webhook) };
    },
  );

  api.get(
    '/v1/printers',
    {
      config: { roles: READERS },
      schema: {
        operationId: 'listPrinters',
        tags: ['Organizations'],
        summary: 'Registered printers',
        description: "**Who:** admin, org_admin (its organization's printers).",
        response: { 200: listOf(printerResponseSchema), ...guarded() },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const rows = await listPrinters(deps.prisma, principal.role === 'admin' ? undefined : (principal.orgId ?? -1));
      return { data: rows.map((p) => ({ id: p.id, name: p.name, org_id: p.orgId })) };
    },
  );

  api.put(
    '/v1/printers/:id',
    {
      config: { roles: READERS },
      schema: {
        operationId: 'putPrinter',
        tags: ['Organizations'],
        summary: 'Register a printer (its organization gets its alerts) or rename it',
        description:
          "The id is the farm manager's printer id. Alerts from a printer go to its organization's webhooks.\n\n**Who:** admin; org_admin may rename its own organization's printers.",
        params: int4IdParams,
        body: printerSchema,
        response: { 200: printerResponseSchema, ...guarded(400, 404) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const id = request.params.id;
      const input = request.body;
      const existing = await findPrinter(deps.prisma, id);
      if (principal.role === 'org_admin') {
        // Whoever owns a printer gets its alerts: an org admin may only rename its own organization's printers.
        if (!existing) throw forbidden("only an admin may register a printer; an org admin may rename its own organization's printers");
        if (existing.orgId !== principal.orgId) throw notFound('printer');
        if (input.org_id !== principal.orgId) throw forbidden('only an admin may move a printer to another organization or out of one');
      }
      if (input.org_id !== null && !(await findOrganization(deps.prisma, input.org_id))) {
        throw notFound('organization');
      }
      const printer = await savePrinter(deps.prisma, { id, name: input.name, orgId: input.org_id });
      // Routing at ingest reads printers' organizations from the cached directory.
      await deps.announceDirectoryChange();
      return { id: printer.id, name: printer.name, org_id: printer.orgId };
    },
  );
}
