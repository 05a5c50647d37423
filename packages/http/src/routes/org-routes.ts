import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { WEBHOOK_TYPES } from '@herald/core';
import type { Organization } from '@herald/db';
import { canSeeOrg, requireRole } from '../plugins/auth';
import { forbidden, notFound } from '../http-errors';
import { parseBody } from '../validation/zod-errors';
import { int4IdOrUndefined, int4IdSchema, parseInt4Id } from '../validation/int4-ids';
import type { ServerDeps } from '../server-deps';
import { createWebhook, presentWebhook, typeForNewUrl, updateWebhook } from './webhook-service';

export const createOrgSchema = z.strictObject({ name: z.string().trim().min(1).max(200), enterprise: z.boolean().default(false) });
export const updateOrgSchema = z.strictObject({ name: z.string().trim().min(1).max(200).optional(), enterprise: z.boolean().optional() });
export const orgSettingsSchema = z.strictObject({
  webhook_url: z.string().min(1).max(2048).nullable(),
  webhook_type: z.enum(WEBHOOK_TYPES).optional(),
});
export const printerSchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  org_id: int4IdSchema.nullable().default(null),
});

export function presentOrg(org: Organization) {
  return { id: org.id, name: org.name, enterprise: org.enterprise, created_at: org.createdAt.toISOString() };
}

function parseOrgId(raw: string): number {
  const id = int4IdOrUndefined(raw);
  if (id === undefined) throw notFound('organization');
  return id;
}

export function orgRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/v1/orgs', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    const rows = await deps.prisma.organization.findMany({
      where: principal.role === 'admin' ? {} : { id: principal.orgId ?? -1 },
      orderBy: { id: 'asc' },
    });
    return { data: rows.map(presentOrg) };
  });

  app.post('/v1/orgs', async (request, reply) => {
    requireRole(request, 'admin');
    const input = parseBody(createOrgSchema, request.body);
    const org = await deps.prisma.organization.create({ data: input });
    await deps.announceDirectoryChange();
    return reply.code(201).send(presentOrg(org));
  });

  app.get<{ Params: { id: string } }>('/v1/orgs/:id', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    const id = parseOrgId(request.params.id);
    const org = canSeeOrg(principal, id) ? await deps.prisma.organization.findUnique({ where: { id } }) : null;
    if (!org) throw notFound('organization');
    return presentOrg(org);
  });

  app.patch<{ Params: { id: string } }>('/v1/orgs/:id', async (request) => {
    requireRole(request, 'admin');
    const id = parseOrgId(request.params.id);
    const input = parseBody(updateOrgSchema, request.body);
    const existing = await deps.prisma.organization.findUnique({ where: { id } });
    if (!existing) throw notFound('organization');
    const org = await deps.prisma.organization.update({ where: { id }, data: input });
    await deps.announceDirectoryChange();
    return presentOrg(org);
  });

  // The print-farm manager's single "Webhook URL" organization setting, kept as one managed webhook.
  app.put<{ Params: { id: string } }>('/v1/orgs/:id/settings', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    const id = parseOrgId(request.params.id);
    const org = canSeeOrg(principal, id) ? await deps.prisma.organization.findUnique({ where: { id } }) : null;
    if (!org) throw notFound('organization');
    const input = parseBody(orgSettingsSchema, request.body);
    const existing = await deps.prisma.webhook.findFirst({ where: { orgId: id, isOrgSetting: true } });
    if (input.webhook_url === null) {
      if (existing) {
        await deps.prisma.webhook.delete({ where: { id: existing.id } });
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
          { urlField: 'webhook_url' },
        )
      : (
          await createWebhook(
            deps,
            id,
            { name: `${org.name} webhook`, url: input.webhook_url, type: input.webhook_type, alert_types: [], enabled: true },
            { isOrgSetting: true, urlField: 'webhook_url' },
          )
        ).webhook;
    return { webhook_url: webhook.urlMasked, webhook: presentWebhook(webhook) };
  });

  app.get('/v1/printers', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    const rows = await deps.prisma.printer.findMany({
      where: principal.role === 'admin' ? {} : { orgId: principal.orgId ?? -1 },
      orderBy: { id: 'asc' },
    });
    return { data: rows.map((p) => ({ id: p.id, name: p.name, org_id: p.orgId })) };
  });

  app.put<{ Params: { id: string } }>('/v1/printers/:id', async (request) => {
    const principal = requireRole(request, 'admin', 'org_admin');
    const id = parseInt4Id('id', request.params.id);
    const input = parseBody(printerSchema, request.body);
    const existing = await deps.prisma.printer.findUnique({ where: { id } });
    if (principal.role === 'org_admin') {
      // Whoever owns a printer gets its alerts: an org admin may only rename its own organization's printers.
      if (!existing) throw forbidden("only an admin may register a printer; an org admin may rename its own organization's printers");
      if (existing.orgId !== principal.orgId) throw notFound('printer');
      if (input.org_id !== principal.orgId) throw forbidden('only an admin may move a printer to another organization or out of one');
    }
    if (input.org_id !== null && !(await deps.prisma.organization.findUnique({ where: { id: input.org_id } }))) {
      throw notFound('organization');
    }
    const printer = await deps.prisma.printer.upsert({
      where: { id },
      create: { id, name: input.name, orgId: input.org_id },
      update: { name: input.name, orgId: input.org_id },
    });
    // Routing at ingest reads printers' organizations from the cached directory.
    await deps.announceDirectoryChange();
    return { id: printer.id, name: printer.name, org_id: printer.orgId };
  });
}
