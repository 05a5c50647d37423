import type { SqlSession } from '@herald/db';
import type { SendResult } from '../sender/http-sender';
import type { AttemptOutcome } from './attempt-outcome';

export interface RecordAttemptInput {
  deliveryId: string;
  /** Set to end the webhook's failure streak when the attempt delivered. */
  webhookId?: string;
  alertId: string | null;
  attemptNumber: number;
  startedAtMs: number;
  result: SendResult;
  outcome: AttemptOutcome;
  /** Alert receipt time, for the ingest → 2xx latency. */
  receivedAtMs: number | null;
  nowMs: number;
}

/**
 * Once no delivery of an alert is open, its status becomes delivered, partially_failed or failed;
 * no_targets if every delivery was cancelled (each webhook disabled or deleted before it was sent),
 * until one of them is retried. An alert with no delivery at all is left as it is.
 * One statement for many alerts; concurrent writers agree because it reads the deliveries as they are.
 */
const SETTLE_ALERTS_SQL = `
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

export async function cancelDelivery(sql: SqlSession, deliveryId: string, alertId: string | null, reason: string): Promise<void> {
  await sql.query(
    `UPDATE deliveries SET status = 'cancelled', last_error = $2, next_attempt_at = NULL, updated_at = now() WHERE id = $1::uuid`,
    [deliveryId, reason],
  );
  if (alertId !== null) await settleAlertStatuses(sql, [alertId]);
}

/**
 * A disabled webhook receives nothing more: its waiting deliveries become cancelled now rather
 * than when their jobs come up (their jobs then find them final and end). Returns how many.
 */
export async function cancelOpenDeliveries(sql: SqlSession, webhookId: string, reason: string, batchSize = 1_000): Promise<number> {
  let cancelled = 0;
  for (;;) {
    const rows = await sql.query<{ alertId: string | null }>(
      `UPDATE deliveries AS d SET status = 'cancelled', last_error = $2, next_attempt_at = NULL, updated_at = now()
       FROM (SELECT id FROM deliveries WHERE webhook_id = $1::uuid AND status IN ('pending', 'retrying') LIMIT $3) AS open
       WHERE d.id = open.id AND d.status IN ('pending', 'retrying')
       RETURNING d.alert_id AS "alertId"`,
      [webhookId, reason, batchSize],
    );
    cancelled += rows.length;
    await settleAlertStatuses(sql, [...new Set(rows.map((r) => r.alertId).filter((id): id is string => id !== null))]);
    if (rows.length < batchSize) return cancelled;
  }
}
