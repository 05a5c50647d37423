import type { PrismaClient } from '@herald/db';
import type { SendResult } from '../sender/http-sender';
import type { AttemptOutcome } from './attempt-outcome';
import { settleAlertsSql } from './batched-attempt-writer';

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
 * Once no delivery of the alert is open, its status becomes delivered, partially_failed or failed.
 * One statement, so two workers finishing the last two deliveries at once agree.
 */
export async function settleAlertStatus(prisma: PrismaClient, alertId: string): Promise<void> {
  await settleAlertStatuses(prisma, [alertId]);
}

/** settleAlertStatus for many alerts in one statement. */
export async function settleAlertStatuses(prisma: PrismaClient, alertIds: string[]): Promise<void> {
  if (alertIds.length === 0) return;
  await settleAlertsSql(prisma, alertIds);
}

export async function cancelDelivery(prisma: PrismaClient, deliveryId: string, alertId: string | null, reason: string): Promise<void> {
  await prisma.delivery.update({ where: { id: deliveryId }, data: { status: 'cancelled', lastError: reason, nextAttemptAt: null } });
  if (alertId !== null) await settleAlertStatus(prisma, alertId);
}

/**
 * A disabled webhook receives nothing more: its waiting deliveries become cancelled now rather
 * than when their jobs come up (their jobs then find them final and end). Returns how many.
 */
export async function cancelOpenDeliveries(prisma: PrismaClient, webhookId: string, reason: string, batchSize = 1_000): Promise<number> {
  let cancelled = 0;
  for (;;) {
    const open = await prisma.delivery.findMany({
      where: { webhookId, status: { in: ['pending', 'retrying'] } },
      select: { id: true },
      take: batchSize,
    });
    if (open.length === 0) return cancelled;
    const rows = await prisma.delivery.updateManyAndReturn({
      where: { id: { in: open.map((d) => d.id) }, status: { in: ['pending', 'retrying'] } },
      data: { status: 'cancelled', lastError: reason, nextAttemptAt: null },
      select: { alertId: true },
    });
    cancelled += rows.length;
    await settleAlertStatuses(prisma, [...new Set(rows.map((r) => r.alertId).filter((id): id is string => id !== null))]);
    if (open.length < batchSize) return cancelled;
  }
}
