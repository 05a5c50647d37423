import type { PrismaClient } from '../generated/prisma/client';
import { SETTLE_ALERTS_SQL } from './alerts';

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
