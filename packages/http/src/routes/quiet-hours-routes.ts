import type { FastifyInstance } from 'fastify';
import { parseQuietHoursInput, quietHoursInputSchema, type QuietHoursSetting } from '@herald/core';
import { findOrganization, findQuietHoursSetting, saveQuietHoursSetting, type QuietHoursSetting as QuietHoursRow } from '@herald/db';
import { canSeeOrg } from '../plugins/auth';
import { principalOf, typed, validatedByHandler } from '../plugins/route-schemas';
import { badRequest, notFound } from '../http-errors';
import { int4IdParams } from '../validation/request-schemas';
import { guarded, quietHoursSchema } from '../openapi/response-schemas';
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
  const row = await saveQuietHoursSetting(deps.prisma, scope, data);
  await deps.announceDirectoryChange();
  return present(row);
}

// Validated by core's parseQuietHoursInput, whose errors name the fields in the API's words.
const quietHoursBody = validatedByHandler(
  quietHoursInputSchema.meta({
    example: { enabled: true, start: '22:00', end: '07:00', timezone: 'Europe/Berlin', digest: true, bypass_severities: ['critical'] },
  }),
);

const WINDOW = 'From `start` to `end` in `timezone` (IANA, default UTC); a window past midnight ends the next day.';

/** System quiet hours (admin) and each organization's (admin or that organization's admin). */
export function quietHoursRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const api = typed(app);
  const tags = ['Quiet hours'];
  const admin = { roles: ['admin' as const] };
  api.get(
    '/v1/settings/quiet-hours',
    {
      config: admin,
      schema: {
        operationId: 'getSystemQuietHours',
        tags,
        summary: 'System quiet hours',
        description: '**Who:** admin.',
        response: { 200: quietHoursSchema, ...guarded() },
      },
    },
    async () => present(await findQuietHoursSetting(deps.prisma, 'system')),
  );
  api.put(
    '/v1/settings/quiet-hours',
    {
      config: admin,
      schema: {
        operationId: 'putSystemQuietHours',
        tags,
        summary: 'Set the system quiet hours',
        description: `${WINDOW}\n\n**Who:** admin.`,
        body: quietHoursBody,
        response: { 200: quietHoursSchema, ...guarded(400) },
      },
    },
    async (request) => save(deps, 'system', null, request.body),
  );

  const orgScope = { roles: ['admin' as const, 'org_admin' as const], notFoundAs: { id: 'organization' } };
  const orgFor = async (request: Parameters<typeof principalOf>[0], id: number) => {
    if (!canSeeOrg(principalOf(request), id)) throw notFound('organization');
    const org = await findOrganization(deps.prisma, id);
    if (!org) throw notFound('organization');
    return org;
  };
  api.get(
    '/v1/orgs/:id/quiet-hours',
    {
      config: orgScope,
      schema: {
        operationId: 'getOrgQuietHours',
        tags,
        summary: "An organization's quiet hours",
        description: '**Who:** admin, org_admin (its own).',
        params: int4IdParams,
        response: { 200: quietHoursSchema, ...guarded(404) },
      },
    },
    async (request) => {
      const org = await orgFor(request, request.params.id);
      return present(await findQuietHoursSetting(deps.prisma, `org:${org.id}`));
    },
  );
  api.put(
    '/v1/orgs/:id/quiet-hours',
    {
      config: orgScope,
      schema: {
        operationId: 'putOrgQuietHours',
        tags,
        summary: "Set an organization's quiet hours",
        description: `${WINDOW}\n\n**Who:** admin, org_admin (its own).`,
        params: int4IdParams,
        body: quietHoursBody,
        response: { 200: quietHoursSchema, ...guarded(400, 404) },
      },
    },
    async (request) => {
      const org = await orgFor(request, request.params.id);
      return save(deps, `org:${org.id}`, org.id, request.body);
    },
  );
}
