import type { PrismaClient } from '../generated/prisma/client';
import type { SqlSession } from '../sql-executor';

export interface WebhookHealth {
  webhook_id: string;
  failure_streak: number;
  failing_since: string | null;
  /** The delivery attempted most recently: its status and answer. */
  last_status: string | null;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

const HEALTH_SQL = `
  SELECT w.id AS webhook_id, w.consecutive_failures AS failure_streak,
         to_char(w.first_failure_at AT TIME ZONE 'UTC', ${ISO}) AS failing_since,
         last.status::text AS last_status, last.last_status_code, last.last_error,
         to_char(last.updated_at AT TIME ZONE 'UTC', ${ISO}) AS last_attempt_at
  FROM webhooks w
  LEFT JOIN LATERAL (
    SELECT d.status, d.last_status_code, d.last_error, d.updated_at
    FROM deliveries d
    WHERE d.webhook_id = w.id AND d.attempt_count > 0
    ORDER BY d.updated_at DESC
    LIMIT 1
  ) AS last ON true
  WHERE w.org_id IS NOT DISTINCT FROM $1::int
  ORDER BY w.created_at`;

/** Health of the system webhooks (orgId null) or of one organization's webhooks. */
export async function readWebhookHealth(sql: SqlSession, orgId: number | null): Promise<WebhookHealth[]> {
  return sql.query<WebhookHealth>(HEALTH_SQL, [orgId]);
}

/** Webhooks Herald has turned off (failing too long, gone at the provider, undecryptable): what an operator alerts on. */
export async function countDisabledWebhooks(prisma: PrismaClient): Promise<number> {
  return prisma.webhook.count({ where: { disabledReason: { not: null } } });
}
