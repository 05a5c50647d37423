import type { AlertRecord, HoldAudience } from '@herald/core';
import type { AlertStatus, PrismaClient, Severity } from '../generated/prisma/client';
import type { SqlSession } from '../sql-executor';
import { deliveriesVisibleTo } from './deliveries';

/** A new alert as the inserts write it; its organization is given apart (see `insertAlerts`, `insertRoutedAlerts`). */
export interface NewAlertRow extends Omit<AlertRecord, 'orgId'> {
  /** JSON text, or null. */
  data: string | null;
  dedupeKey: string | null;
}

/** The alert columns both alert inserts unnest, as parameters $1–$11 (the organization given apart). */
export function alertInsertColumns(rows: readonly NewAlertRow[], orgIds: readonly (number | null)[]): unknown[] {
  const col = <K extends keyof NewAlertRow>(key: K) => rows.map((row) => row[key]);
  return [
    col('id'),
    col('type'),
    col('severity'),
    col('title'),
    col('message'),
    col('printerId'),
    col('printerName'),
    orgIds,
    col('occurredAt'),
    col('data'),
    col('dedupeKey'),
  ];
}

/** One statement for a whole batch, arrays unnested server-side; a dedupe key already taken inserts nothing. */
const INSERT_ALERTS_SQL = `
  INSERT INTO alerts (id, type, severity, title, message, printer_id, printer_name, org_id, occurred_at, data, dedupe_key,
                      received_at, source, status)
  SELECT n.id, n.type, n.severity::"Severity", n.title, n.message, n.printer_id, n.printer_name, n.org_id, n.occurred_at, n.data,
         n.dedupe_key, $12::timestamptz, $13::text, 'queued'::"AlertStatus"
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[],
              $9::timestamptz[], $10::jsonb[], $11::text[])
    AS n(id, type, severity, title, message, printer_id, printer_name, org_id, occurred_at, data, dedupe_key)
  ON CONFLICT DO NOTHING`;

/** Saves new alerts as `queued` (to be routed by the fan-out), in one statement. */
export async function insertAlerts(
  sql: SqlSession,
  rows: readonly NewAlertRow[],
  orgIds: readonly (number | null)[],
  receivedAt: Date,
  source: string,
): Promise<void> {
  await sql.query(INSERT_ALERTS_SQL, [...alertInsertColumns(rows, orgIds), receivedAt, source]);
}

/** The ids of a source's alerts saved under these dedupe keys, by key. */
export async function findAlertIdsByDedupeKey(sql: SqlSession, source: string, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const existing = await sql.query<{ id: string; dedupeKey: string }>(
    'SELECT id, dedupe_key AS "dedupeKey" FROM alerts WHERE source = $1 AND dedupe_key = ANY($2::text[])',
    [source, keys],
  );
  return new Map(existing.map((row) => [row.dedupeKey, row.id]));
}

/** A saved alert as the fan-out routes it, with whose webhooks its quiet-hours holds keep it from. */
export type RoutableAlert = AlertRecord & { status: AlertStatus; statusReason: string | null; heldAudiences: HoldAudience[] };

const LOAD_ROUTABLE_ALERTS_SQL = `
  SELECT a.id, a.type, a.severity, a.title, a.message, a.printer_id AS "printerId", a.printer_name AS "printerName",
         a.org_id AS "orgId", a.occurred_at AS "occurredAt", a.status, a.status_reason AS "statusReason",
         ARRAY(SELECT h.audience::text FROM alert_holds h WHERE h.alert_id = a.id) AS "heldAudiences"
  FROM alerts a WHERE a.id = ANY($1::uuid[])`;

export async function loadRoutableAlerts(sql: SqlSession, alertIds: readonly string[]): Promise<RoutableAlert[]> {
  return sql.query<RoutableAlert>(LOAD_ROUTABLE_ALERTS_SQL, [alertIds]);
}

const HELD_SQL = 'EXISTS (SELECT 1 FROM alert_holds h WHERE h.alert_id = a.id)';

/**
 * Once no delivery of an alert is open, its status becomes delivered, partially_failed or failed.
 * If every delivery was cancelled (each webhook disabled or deleted before it was sent), until one
 * of them is retried: suppressed when quiet hours hold it for other webhooks (it still goes in their
 * digest; the reason names the quiet hours), no_targets otherwise. An alert with no delivery at all
 * is left as it is.
 * One statement for many alerts; concurrent writers agree because it reads the deliveries as they are.
 * The holds are looked up (primary key) only for an alert whose deliveries were all cancelled: a CASE
 * evaluates a branch only when it is taken, so settling any other alert costs what it did.
 */
export const SETTLE_ALERTS_SQL = `
  UPDATE alerts AS a
  SET status = (CASE WHEN s.total = 0 THEN (CASE WHEN ${HELD_SQL} THEN 'suppressed' ELSE 'no_targets' END)
                     WHEN s.delivered = s.total THEN 'delivered'
                     WHEN s.delivered = 0 THEN 'failed' ELSE 'partially_failed' END)::"AlertStatus",
      status_reason = CASE WHEN s.total = 0 THEN (CASE WHEN ${HELD_SQL} THEN a.status_reason ELSE 'every delivery cancelled' END)
                           WHEN a.status = 'no_targets' THEN NULL ELSE a.status_reason END
  FROM (
    SELECT alert_id,
           count(*) FILTER (WHERE status <> 'cancelled') AS total,
           count(*) FILTER (WHERE status = 'delivered') AS delivered,
           count(*) FILTER (WHERE status IN ('pending', 'retrying')) AS open
    FROM deliveries WHERE alert_id = ANY($1::uuid[]) GROUP BY alert_id
  ) AS s
  WHERE a.id = s.alert_id AND s.open = 0
    AND a.status IN ('dispatched', 'queued', 'delivered', 'partially_failed', 'failed', 'no_targets')`;

/** Settles the status of every given alert whose deliveries have all ended; the others are left as they are. */
export async function settleAlertStatuses(sql: SqlSession, alertIds: readonly string[]): Promise<void> {
  if (alertIds.length === 0) return;
  await sql.query(SETTLE_ALERTS_SQL, [alertIds]);
}

/**
 * Dispatched alerts received before `before` with deliveries, none of them open: their status was never settled.
 * The status test is on text so each probe reads the alert's own deliveries (alert index), never a
 * BitmapAnd with the status index that reads every open delivery once per alert during a backlog.
 */
export async function findUnsettledAlerts(sql: SqlSession, before: Date, limit: number): Promise<{ id: string }[]> {
  return sql.query<{ id: string }>(
    `SELECT a.id FROM alerts a
     WHERE a.status = 'dispatched' AND a.received_at < $1
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id AND d.status::text IN ('pending', 'retrying'))
       AND EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id)
     LIMIT $2`,
    [before, limit],
  );
}

/**
 * Alerts held the way the earlier release held them (status suppressed, quiet_scope set, no hold row:
 * written by an API or worker not yet upgraded during a rolling upgrade) get the hold that release
 * meant, from every webhook by that one window, so their digest takes them (uses alerts_held_idx).
 */
export async function adoptLegacyHolds(sql: SqlSession): Promise<number> {
  const adopted = await sql.query<{ alert_id: string }>(
    `INSERT INTO alert_holds (alert_id, scope, audience, occurred_at, created_at)
     SELECT a.id, a.quiet_scope, 'all', a.occurred_at, a.received_at
     FROM alerts a
     WHERE a.status = 'suppressed' AND a.digest_id IS NULL AND a.quiet_scope IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM alert_holds h WHERE h.alert_id = a.id)
     ON CONFLICT DO NOTHING
     RETURNING alert_id`,
  );
  return adopted.length;
}

/**
 * A scope's holds that wait for a digest, of alerts that occurred before `beforeMs`, join this digest
 * (uses alert_holds_waiting_idx); their alerts show it as their latest digest.
 */
export async function assignHeldAlertsToDigest(
  prisma: PrismaClient,
  digest: { id: string; scopeKey: string },
  beforeMs: number,
): Promise<void> {
  await prisma.$executeRaw`
    WITH taken AS (
      UPDATE alert_holds SET digest_id = ${digest.id}::uuid
      WHERE scope = ${digest.scopeKey} AND digest_id IS NULL AND occurred_at < ${new Date(beforeMs)}
      RETURNING alert_id
    )
    UPDATE alerts SET digest_id = ${digest.id}::uuid WHERE id IN (SELECT alert_id FROM taken)`;
}

/** A digest's alerts, oldest first, each with whose webhooks its hold kept it from (the digest goes to those). */
export async function findDigestAlerts(prisma: PrismaClient, digestId: string) {
  const holds = await prisma.alertHold.findMany({
    where: { digestId },
    include: { alert: true },
    orderBy: [{ occurredAt: 'asc' }, { alertId: 'asc' }],
  });
  return holds.map((hold) => ({ ...hold.alert, audience: hold.audience }));
}

/** Per quiet scope, the earliest hold waiting for a digest, of an alert that occurred before `beforeMs`. */
export async function findHeldAlertScopes(
  prisma: PrismaClient,
  beforeMs: number,
): Promise<{ quietScope: string | null; earliestMs: number | undefined }[]> {
  const groups = await prisma.alertHold.groupBy({
    by: ['scope'],
    where: { digestId: null, occurredAt: { lt: new Date(beforeMs) } },
    _min: { occurredAt: true },
  });
  return groups.map((group) => ({ quietScope: group.scope, earliestMs: group._min.occurredAt?.getTime() }));
}

/**
 * An alert with one page of its deliveries (in id order, i.e. oldest first, after `afterId`, at most `take`),
 * each with its attempts and a summary of its webhook (null once the webhook is deleted; the delivery keeps its name).
 */
export async function findAlertWithDeliveries(
  prisma: PrismaClient,
  alertId: string,
  page: { take: number; afterId?: string; viewerOrgId?: number | null },
) {
  return prisma.alert.findUnique({
    where: { id: alertId },
    include: {
      deliveries: {
        // An organization sees its alert's deliveries to its own webhooks only, not the operator's.
        where: { AND: [deliveriesVisibleTo(page.viewerOrgId ?? null), page.afterId ? { id: { gt: page.afterId } } : {}] },
        orderBy: { id: 'asc' },
        take: page.take,
        include: {
          attempts: { orderBy: { attemptNumber: 'asc' } },
          webhook: { select: { id: true, name: true, type: true, urlMasked: true } },
        },
      },
    },
  });
}

export interface AlertListFilter {
  type?: string;
  severity?: Severity;
  status?: AlertStatus;
  printerId?: number;
  orgId?: number;
  /** occurredAt >= since */
  since?: Date;
  /** occurredAt < until */
  until?: Date;
  /** Ids are UUIDv7, so "older than the cursor" is "id below the cursor". */
  beforeId?: string;
}

/** Newest first, at most `take`. */
export async function listAlerts(prisma: PrismaClient, filter: AlertListFilter, take: number) {
  return prisma.alert.findMany({
    where: {
      ...(filter.type !== undefined ? { type: filter.type } : {}),
      ...(filter.severity !== undefined ? { severity: filter.severity } : {}),
      ...(filter.status !== undefined ? { status: filter.status } : {}),
      ...(filter.printerId !== undefined ? { printerId: filter.printerId } : {}),
      ...(filter.orgId !== undefined ? { orgId: filter.orgId } : {}),
      ...(filter.since || filter.until
        ? { occurredAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } }
        : {}),
      ...(filter.beforeId !== undefined ? { id: { lt: filter.beforeId } } : {}),
    },
    orderBy: { id: 'desc' },
    take,
  });
}

/** Alerts that had settled go back to `dispatched` until their re-sent deliveries settle again. */
export async function reopenAlerts(prisma: PrismaClient, alertIds: readonly string[]): Promise<void> {
  if (alertIds.length === 0) return;
  const ids = [...alertIds];
  await prisma.alert.updateMany({
    where: { id: { in: ids }, status: { in: ['delivered', 'partially_failed', 'failed'] } },
    data: { status: 'dispatched' },
  });
  // Every delivery had been cancelled ('every delivery cancelled'); one is being sent after all.
  await prisma.alert.updateMany({ where: { id: { in: ids }, status: 'no_targets' }, data: { status: 'dispatched', statusReason: null } });
  // The same for an alert quiet hours hold from other webhooks: its reason (those quiet hours) stays.
  await prisma.alert.updateMany({
    where: { id: { in: ids }, status: 'suppressed', deliveries: { some: {} } },
    data: { status: 'dispatched' },
  });
}
/**
 * What an operator watches for stuck work, from the database (the record, whatever Redis says):
 * the age of the oldest accepted alert not yet settled (queued or dispatched), and how many alerts
 * have waited to be routed (queued) longer than `stuckAfterMs`.
 */
export async function undeliveredAlertSignals(
  prisma: PrismaClient,
  nowMs: number,
  stuckAfterMs: number,
): Promise<{ oldestUndeliveredAgeSeconds: number; stuckFanOut: number }> {
  const [row] = await prisma.$queryRawUnsafe<{ oldest: Date | null; stuck: bigint | number }[]>(
    `SELECT (SELECT min(received_at) FROM alerts WHERE status IN ('queued', 'dispatched')) AS oldest,
            (SELECT count(*) FROM alerts WHERE status = 'queued' AND received_at < $1) AS stuck`,
    new Date(nowMs - stuckAfterMs),
  );
  const oldest = row?.oldest ?? null;
  return {
    oldestUndeliveredAgeSeconds: oldest === null ? 0 : Math.max(0, (nowMs - oldest.getTime()) / 1000),
    stuckFanOut: Number(row?.stuck ?? 0),
  };
}
