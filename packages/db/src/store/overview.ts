import type { PrismaClient } from '../generated/prisma/client';
import type { SqlSession } from '../sql-executor';

/** Whose figures: everything (an admin), or one organization's alerts and webhooks. */
export type OverviewScope = { kind: 'all' } | { kind: 'org'; orgId: number };

export interface MinuteFigures {
  minute: string;
  attempts: number;
  delivered: number;
  failed: number;
}

export interface OverviewFigures {
  /** Attempts per minute over the last hour, oldest first (minutes without attempts left out). */
  minutes: MinuteFigures[];
  /** Deliveries that ended failed or dead in the last 7 days, and the latest of them (a deleted webhook's need no attention). */
  failures: {
    count: number;
    latest: {
      delivery_id: string;
      alert_id: string | null;
      alert_title: string | null;
      webhook_id: string;
      webhook_name: string;
      status: string;
      last_status_code: number | null;
      last_error: string | null;
      updated_at: string;
    }[];
  };
  /** Deliveries waiting for their first attempt or a retry. */
  waiting: { pending: number; retrying: number; oldest_pending_at: string | null };
  /** Held by quiet hours and not yet sent in a digest, per scope ("system", "org:<id>"). */
  held: Record<string, number>;
}

const orgParam = (scope: OverviewScope) => (scope.kind === 'org' ? scope.orgId : null);

/** An attempt, delivery or alert belongs to an organization through its alert, or its webhook for digests and notices. */
const DELIVERY_IN_SCOPE = `($1::int IS NULL OR COALESCE(al.org_id, w.org_id) = $1::int)`;

const MINUTES_SQL = `
  SELECT to_char(date_trunc('minute', a.started_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:00"Z"') AS minute,
         count(*)::int AS attempts,
         (count(*) FILTER (WHERE a.outcome = 'delivered'))::int AS delivered,
         (count(*) FILTER (WHERE a.outcome = 'failed'))::int AS failed
  FROM delivery_attempts a
  JOIN deliveries d ON d.id = a.delivery_id
  LEFT JOIN webhooks w ON w.id = d.webhook_id
  LEFT JOIN alerts al ON al.id = d.alert_id
  WHERE a.started_at >= $2::timestamptz AND ${DELIVERY_IN_SCOPE}
  GROUP BY 1 ORDER BY 1`;

const FAILURES_SQL = `
  SELECT d.id AS delivery_id, d.alert_id, al.title AS alert_title, w.id AS webhook_id, w.name AS webhook_name,
         d.status::text AS status, d.last_status_code, d.last_error,
         to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at,
         (count(*) OVER ())::int AS total
  FROM deliveries d
  JOIN webhooks w ON w.id = d.webhook_id
  LEFT JOIN alerts al ON al.id = d.alert_id
  WHERE d.status IN ('failed', 'dead') AND d.updated_at >= $2::timestamptz AND ${DELIVERY_IN_SCOPE}
  ORDER BY d.updated_at DESC
  LIMIT 10`;

const WAITING_SQL = `
  SELECT (count(*) FILTER (WHERE d.status = 'pending'))::int AS pending,
         (count(*) FILTER (WHERE d.status = 'retrying'))::int AS retrying,
         to_char(min(d.created_at) FILTER (WHERE d.status = 'pending') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS oldest_pending_at
  FROM deliveries d
  JOIN webhooks w ON w.id = d.webhook_id
  LEFT JOIN alerts al ON al.id = d.alert_id
  WHERE d.status IN ('pending', 'retrying') AND ${DELIVERY_IN_SCOPE}`;

/**
 * Holds waiting for their digest, per scope (the partial index alert_holds_waiting_idx). An
 * organization sees its own scope's and the system holds keeping its alerts from its webhooks.
 */
const HELD_SQL = `
  SELECT h.scope, count(*)::int AS held
  FROM alert_holds h
  WHERE h.digest_id IS NULL
    AND ($1::text IS NULL OR h.scope = $1::text
         OR (h.audience = 'all' AND EXISTS (SELECT 1 FROM alerts a WHERE a.id = h.alert_id AND a.org_id = $2::int)))
  GROUP BY h.scope`;

/** The console's overview figures, read in four statements. */
export async function readOverview(sql: SqlSession, scope: OverviewScope, nowMs: number): Promise<OverviewFigures> {
  const org = orgParam(scope);
  const hourAgo = new Date(nowMs - 3_600_000).toISOString();
  const weekAgo = new Date(nowMs - 7 * 86_400_000).toISOString();
  const [minutes, failures, waiting, held] = await Promise.all([
    sql.query<MinuteFigures>(MINUTES_SQL, [org, hourAgo]),
    sql.query<OverviewFigures['failures']['latest'][number] & { total: number }>(FAILURES_SQL, [org, weekAgo]),
    sql.query<OverviewFigures['waiting']>(WAITING_SQL, [org]),
    sql.query<{ scope: string; held: number }>(HELD_SQL, [org === null ? null : `org:${org}`, org]),
  ]);
  return {
    minutes,
    failures: { count: failures[0]?.total ?? 0, latest: failures.map(({ total: _total, ...row }) => row) },
    waiting: waiting[0] ?? { pending: 0, retrying: 0, oldest_pending_at: null },
    held: Object.fromEntries(held.map((row) => [row.scope, row.held])),
  };
}

/** Webhooks switched off by hand or disabled by Herald, with why. */
export async function listDisabledWebhooks(prisma: PrismaClient, scope: OverviewScope) {
  return prisma.webhook.findMany({
    where: { OR: [{ enabled: false }, { disabledReason: { not: null } }], ...(scope.kind === 'org' ? { orgId: scope.orgId } : {}) },
    select: { id: true, name: true, type: true, orgId: true, enabled: true, disabledReason: true, disabledAt: true },
    orderBy: { updatedAt: 'desc' },
    take: 50,
  });
}
