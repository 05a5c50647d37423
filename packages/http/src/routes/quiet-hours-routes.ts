import type { FastifyInstance } from 'fastify';
import { parseQuietHoursInput, type QuietHoursSetting } from '@herald/core';
import type { QuietHoursSetting as QuietHoursRow } from '@herald/db';
import { canSeeOrg, requireRole } from '../plugins/auth';
import { badRequest, notFound } from '../http-errors';
import type { ServerDeps } from '../server-deps';

const DEFAULT_SETTING: QuietHoursSetting = {
  enabled: false,
  start: '22:00',
  end: '07:00',
  timezone: 'UTC',
  digest: true,
  bypassSeverities: [],
  digestWhenEmpty: false,
};

function present(row: QuietHoursRow | null) {
  const s = row ?? DEFAULT_SETTING;
  return {
    enabled: s.enabled,
    start: s.start,
    end: s.end,
    timezone: s.timezone,
    digest: s.digest,
    bypass_severities: s.bypassSeverities,
    digest_when_empty: s.digestWhenEmpty,
  };
}

async function save(deps: ServerDeps, scope: string, orgId: number | null, body: unknown) {
  const parsed = parseQuietHoursInput(body);
  if (!parsed.ok) throw badRequest(parsed.errors);
  const data = { ...parsed.setting, orgId };
  const row = await deps.prisma.quietHoursSetting.upsert({ where: { scope }, create: { scope, ...data }, update: data });
  await deps.announceDirectoryChange();
  return present(row);
}

/** System quiet hours (admin) and each organization's (admin or that organization's admin). */
export function quietHoursRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/v1/settings/quiet-hours', async (request) => {
    requireRole(request, 'admin');
    return present(await deps.prisma.quietHoursSetting.findUnique({ where: { scope: 'system' } }));
  });
  app.put('/v1/settings/quiet-hours', async (request) => {
    requireRole(request, 'admin');
    return save(deps, 'system', null, request.body);
  });

  const orgFor = async (principal: ReturnType<typeof requireRole>, raw: string) => {
    if (!/^\d{1,9}$/.test(raw) || !canSeeOrg(principal, Number(raw))) throw notFound('organization');
    const org = await deps.prisma.organization.findUnique({ where: { id: Number(raw) } });
    if (!org) throw notFound('organization');
    return org;
  };
  app.get<{ Params: { id: string } }>('/v1/orgs/:id/quiet-hours', async (request) => {
    const org = await orgFor(requireRole(request, 'admin', 'org_admin'), request.params.id);
    return present(await deps.prisma.quietHoursSetting.findUnique({ where: { scope: `org:${org.id}` } }));
  });
  app.put<{ Params: { id: string } }>('/v1/orgs/:id/quiet-hours', async (request) => {
    const org = await orgFor(requireRole(request, 'admin', 'org_admin'), request.params.id);
    return save(deps, `org:${org.id}`, org.id, request.body);
  });
}
