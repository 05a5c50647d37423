import type { QuietHoursSetting } from '@herald/core';
import { SETTLE_ALERTS_SQL } from './alerts';
import type { Prisma, PrismaClient, WebhookType } from '../generated/prisma/client';
import type { SqlSession } from '../sql-executor';

/** The webhooks table, and the routing snapshot read with it. */

/** An enabled webhook as routing and delivery read it, secrets still encrypted. */
export interface RoutingWebhookRow {
  id: string;
  name: string;
  type: WebhookType;
  urlEncrypted: string;
  alertTypes: string[];
  /** Empty or null: every severity. */
  severities: string[] | null;
  orgId: number | null;
  signingSecretEncrypted: string | null;
  previousSigningSecretEncrypted: string | null;
  previousSecretExpiresAt: Date | null;
  retrySchedule: number[];
  rateLimit: unknown;
  headersEncrypted: string | null;
}

export type QuietHoursRow = QuietHoursSetting & { orgId: number | null };

/** Everything routing reads, in one load: enabled webhooks, Enterprise organizations, quiet hours, printers. */
export interface RoutingSnapshotRows {
  webhooks: RoutingWebhookRow[];
  enterpriseOrgIds: number[];
  /** Organizations with a private-target allow-list of their own; every other organization has none. */
  orgPrivateTargets: { id: number; allowedPrivateTargets: string[] }[];
  quietHours: QuietHoursRow[];
  printers: { id: number; orgId: number | null; name: string }[];
}

// Enum arrays are read as text[]: node-postgres parses arrays of built-in types only.
const ENABLED_WEBHOOKS_SQL = `
  SELECT id, name, type::text AS type, url_encrypted AS "urlEncrypted", alert_types::text[] AS "alertTypes",
         severities::text[] AS severities, org_id AS "orgId",
         signing_secret_encrypted AS "signingSecretEncrypted",
         previous_signing_secret_encrypted AS "previousSigningSecretEncrypted",
         previous_secret_expires_at AS "previousSecretExpiresAt", retry_schedule AS "retrySchedule", rate_limit AS "rateLimit",
         headers_encrypted AS "headersEncrypted"
  FROM webhooks WHERE enabled AND disabled_reason IS NULL`;

const QUIET_HOURS_SQL = `
  SELECT org_id AS "orgId", enabled, start, "end", timezone, digest, bypass_severities::text[] AS "bypassSeverities",
         digest_when_empty AS "digestWhenEmpty"
  FROM quiet_hours_settings`;

/** The routing snapshot's tables, read together (the API, the worker and the digest all route from this). */
export async function loadRoutingSnapshot(sql: SqlSession): Promise<RoutingSnapshotRows> {
  const [webhooks, orgs, quietHours, printers] = await Promise.all([
    sql.query<RoutingWebhookRow>(ENABLED_WEBHOOKS_SQL),
    sql.query<{ id: number; enterprise: boolean; allowedPrivateTargets: string[] }>(
      `SELECT id, enterprise, allowed_private_targets AS "allowedPrivateTargets" FROM organizations
       WHERE enterprise OR cardinality(allowed_private_targets) > 0`,
    ),
    sql.query<QuietHoursRow>(QUIET_HOURS_SQL),
    sql.query<{ id: number; orgId: number | null; name: string }>('SELECT id, org_id AS "orgId", name FROM printers'),
  ]);
  return {
    webhooks,
    enterpriseOrgIds: orgs.filter((org) => org.enterprise).map((org) => org.id),
    orgPrivateTargets: orgs
      .filter((org) => org.allowedPrivateTargets.length > 0)
      .map(({ id, allowedPrivateTargets }) => ({ id, allowedPrivateTargets })),
    quietHours,
    printers,
  };
}

/**
 * Webhooks' encrypted URLs, by id, one page after `afterId`: what the wrong-keys check at start
 * reads. Plain SQL, so a worker that routes and delivers never loads the ORM's query compiler.
 * With `exceptDisabledAs`, rows disabled for that reason are left out.
 */
export async function webhookUrlTokensPage(
  sql: SqlSession,
  afterId: string | null,
  limit: number,
  exceptDisabledAs: string | null,
): Promise<{ id: string; urlEncrypted: string }[]> {
  return sql.query(
    `SELECT id, url_encrypted AS "urlEncrypted" FROM webhooks
     WHERE ($1::uuid IS NULL OR id > $1::uuid) AND ($3::text IS NULL OR disabled_reason IS NULL OR disabled_reason <> $3::text)
     ORDER BY id LIMIT $2`,
    [afterId, limit, exceptDisabledAs],
  );
}

/** Webhooks whose secrets no configured key opens are disabled (saving a new URL mends them). */
export async function disableUndecryptableWebhooks(sql: SqlSession, webhookIds: readonly string[], nowMs: number): Promise<void> {
  await sql.query(
    `UPDATE webhooks SET disabled_reason = 'undecryptable', disabled_at = $2, updated_at = now() WHERE id = ANY($1::uuid[])`,
    [webhookIds, new Date(nowMs)],
  );
}

/** Disables a webhook unless it is already; answers it when this call did (only the first caller gets it). */
export async function disableWebhook(
  prisma: PrismaClient,
  webhookId: string,
  reason: string,
  nowMs: number,
): Promise<{ id: string; name: string; type: WebhookType; orgId: number | null } | null> {
  const [row] = await prisma.$queryRaw<{ id: string; name: string; type: WebhookType; org_id: number | null }[]>`
    UPDATE webhooks SET disabled_reason = ${reason}, disabled_at = ${new Date(nowMs)}, updated_at = ${new Date(nowMs)}
    WHERE id = ${webhookId}::uuid AND disabled_reason IS NULL
    RETURNING id::text AS id, name, type::text AS type, org_id`;
  return row ? { id: row.id, name: row.name, type: row.type, orgId: row.org_id } : null;
}

/** Adds a failed delivery to the webhook's failure streak; answers the streak, null if the webhook is gone. */
export async function recordWebhookFailure(
  prisma: PrismaClient,
  webhookId: string,
  nowMs: number,
): Promise<{ consecutiveFailures: number; firstFailureAtMs: number; disabled: boolean } | null> {
  const [row] = await prisma.$queryRaw<{ consecutive_failures: number; first_failure_at: Date; disabled_reason: string | null }[]>`
    UPDATE webhooks
    SET consecutive_failures = consecutive_failures + 1, first_failure_at = COALESCE(first_failure_at, ${new Date(nowMs)})
    WHERE id = ${webhookId}::uuid
    RETURNING consecutive_failures, first_failure_at, disabled_reason`;
  if (!row) return null;
  return {
    consecutiveFailures: Number(row.consecutive_failures),
    firstFailureAtMs: row.first_failure_at.getTime(),
    disabled: row.disabled_reason !== null,
  };
}

/** Enabled system webhooks but one: who hears that a webhook was disabled. */
export async function findNoticeReceivers(prisma: PrismaClient, exceptWebhookId: string): Promise<{ id: string; type: WebhookType }[]> {
  return prisma.webhook.findMany({
    where: { orgId: null, enabled: true, disabledReason: null, id: { not: exceptWebhookId } },
    select: { id: true, type: true },
  });
}

export async function findWebhook(prisma: PrismaClient, webhookId: string) {
  return prisma.webhook.findUnique({ where: { id: webhookId } });
}

/** A scope's webhooks (null: the system webhooks), oldest first. */
export async function listWebhooks(prisma: PrismaClient, orgId: number | null) {
  return prisma.webhook.findMany({ where: { orgId }, orderBy: { createdAt: 'asc' } });
}

/** The webhook behind an organization's single "Webhook URL" setting, if it has one. */
export async function findOrgSettingWebhook(prisma: PrismaClient, orgId: number) {
  return prisma.webhook.findFirst({ where: { orgId, isOrgSetting: true } });
}

export async function insertWebhook(prisma: PrismaClient, data: Prisma.WebhookUncheckedCreateInput) {
  return prisma.webhook.create({ data });
}

/**
 * Inserts an organization's webhook unless the organization already has `maxPerOrg`: answers null
 * then. The organization's row is locked for the count and the insert, so concurrent creations
 * cannot pass the cap together.
 */
export async function insertOrgWebhookWithinCap(
  prisma: PrismaClient,
  data: Prisma.WebhookUncheckedCreateInput & { orgId: number },
  maxPerOrg: number,
) {
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${data.orgId} FOR UPDATE`;
    if ((await tx.webhook.count({ where: { orgId: data.orgId } })) >= maxPerOrg) return null;
    return tx.webhook.create({ data });
  });
}

export async function updateWebhookRow(prisma: PrismaClient, webhookId: string, data: Prisma.WebhookUncheckedUpdateInput) {
  return prisma.webhook.update({ where: { id: webhookId }, data });
}

/**
 * Deletes a webhook and keeps its history: its waiting deliveries are cancelled ("webhook deleted"),
 * every delivery keeps the webhook's name and loses the link (attempts stay with their delivery),
 * then the webhook row goes, and the alerts it leaves with no open delivery are settled (no_targets,
 * "every delivery cancelled", when it was their only webhook). One transaction. Returns those
 * alerts. Jobs still queued for the cancelled deliveries find them cancelled and end without sending.
 */
export async function deleteWebhookKeepingHistory(prisma: PrismaClient, webhookId: string): Promise<string[]> {
  return prisma.$transaction(async (tx) => {
    const cancelled = await tx.$queryRawUnsafe<{ alertId: string | null }[]>(
      `UPDATE deliveries SET status = 'cancelled', last_error = 'webhook deleted', next_attempt_at = NULL, updated_at = now()
       WHERE webhook_id = $1::uuid AND status IN ('pending', 'retrying')
       RETURNING alert_id::text AS "alertId"`,
      webhookId,
    );
    await tx.$executeRawUnsafe(
      `UPDATE deliveries SET webhook_name = w.name FROM webhooks w WHERE w.id = $1::uuid AND deliveries.webhook_id = w.id`,
      webhookId,
    );
    await tx.$executeRawUnsafe(`DELETE FROM webhooks WHERE id = $1::uuid`, webhookId);
    const alertIds = [...new Set(cancelled.map((row) => row.alertId).filter((id): id is string => id !== null))];
    if (alertIds.length > 0) await tx.$executeRawUnsafe(SETTLE_ALERTS_SQL, alertIds);
    return alertIds;
  });
}
