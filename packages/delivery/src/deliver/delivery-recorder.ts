import { settleAlertStatuses, type SqlSession } from '@herald/db';
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
  /** The alert's organization (the webhook's for digests and notices), for the console's event stream. */
  orgId?: number | null;
}

export { settleAlertStatuses } from '@herald/db';

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
