import type { PrismaClient } from '../generated/prisma/client';
import type { SqlSession } from '../sql-executor';

/**
 * Once no delivery of an alert is open, its status becomes delivered, partially_failed or failed;
 * no_targets if every delivery was cancelled (each webhook disabled or deleted before it was sent),
 * until one of them is retried. An alert with no delivery at all is left as it is.
 * One statement for many alerts; concurrent writers agree because it reads the deliveries as they are.
 */
export const SETTLE_ALERTS_SQL = `
  UPDATE alerts AS a
  SET status = (CASE WHEN s.total = 0 THEN 'no_targets' WHEN s.delivered = s.total THEN 'delivered'
                     WHEN s.delivered = 0 THEN 'failed' ELSE 'partially_failed' END)::"AlertStatus",
      status_reason = CASE WHEN s.total = 0 THEN 'every delivery cancelled'
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
