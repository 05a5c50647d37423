import type { SqlSession } from '../sql-executor';

/** Where the next page of a sweep starts: after this (time, id) pair. */
export interface SweepCursor {
  /** The timestamp as PostgreSQL printed it: full precision (a JS Date would drop microseconds). */
  at: string;
  id: string;
}

/** Queued (accepted, not yet routed) alerts received before `staleBefore`, oldest first, one page after `cursor`. */
export async function staleQueuedAlerts(
  sql: SqlSession,
  staleBefore: Date,
  cursor: SweepCursor | null,
  limit: number,
): Promise<{ id: string; at: string }[]> {
  return sql.query(
    `SELECT id, received_at::text AS at FROM alerts
     WHERE status = 'queued' AND received_at < $1
       AND ($2::timestamptz IS NULL OR (received_at, id) > ($2::timestamptz, $3::uuid))
     ORDER BY received_at, id LIMIT $4`,
    [staleBefore, cursor?.at ?? null, cursor?.id ?? null, limit],
  );
}

export interface StaleOpenDelivery {
  id: string;
  webhookId: string;
  kind: 'alert' | 'digest' | 'notice';
  nextAttemptAt: Date | null;
  alertId: string | null;
  attemptCount: number;
  at: string;
}

/** Open deliveries untouched since `staleBefore` and not waiting for a later attempt, one page after `cursor`. */
export async function staleOpenDeliveries(
  sql: SqlSession,
  staleBefore: Date,
  cursor: SweepCursor | null,
  limit: number,
): Promise<StaleOpenDelivery[]> {
  return sql.query(
    `SELECT id, webhook_id AS "webhookId", kind, next_attempt_at AS "nextAttemptAt", alert_id AS "alertId",
            attempt_count AS "attemptCount", updated_at::text AS at
     FROM deliveries
     WHERE status IN ('pending', 'retrying') AND updated_at < $1 AND (next_attempt_at IS NULL OR next_attempt_at < $1)
       AND ($2::timestamptz IS NULL OR (updated_at, id) > ($2::timestamptz, $3::uuid))
     ORDER BY updated_at, id LIMIT $4`,
    [staleBefore, cursor?.at ?? null, cursor?.id ?? null, limit],
  );
}
