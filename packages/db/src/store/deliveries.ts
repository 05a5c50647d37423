import type { SqlSession } from '../sql-executor';

/**
 * Shows why an open delivery has not been attempted yet (say, waiting for a free slot at a busy
 * endpoint) and when it looks again, without touching its attempt count or status.
 */
export async function noteDeliveryWaiting(sql: SqlSession, deliveryId: string, reason: string, nextAttemptAt: Date): Promise<void> {
  await sql.query(
    `UPDATE deliveries SET last_error = $2, next_attempt_at = $3
     WHERE id = $1::uuid AND status IN ('pending', 'retrying')`,
    [deliveryId, reason, nextAttemptAt],
  );
}
