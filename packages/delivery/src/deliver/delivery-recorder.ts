import type { PrismaClient } from '@herald/db';
import type { SendResult } from '../sender/http-sender';
import type { AttemptOutcome } from './attempt-outcome';

export interface RecordAttemptInput {
  deliveryId: string;
  alertId: string | null;
  attemptNumber: number;
  startedAtMs: number;
  result: SendResult;
  outcome: AttemptOutcome;
  /** Alert receipt time, for the ingest → 2xx latency. */
  receivedAtMs: number | null;
  nowMs: number;
}

const OUTCOME_NAME: Record<AttemptOutcome['kind'], string> = {
  delivered: 'delivered',
  retry: 'retry',
  dead: 'failed',
  failed: 'failed',
};

/** Writes one attempt and the delivery's new state; settles the alert's status when its last delivery ends. */
export async function recordAttempt(prisma: PrismaClient, input: RecordAttemptInput): Promise<void> {
  const { outcome, result } = input;
  const status =
    outcome.kind === 'delivered' ? 'delivered' : outcome.kind === 'retry' ? 'retrying' : outcome.kind === 'dead' ? 'dead' : 'failed';
  const error = outcome.kind === 'delivered' ? null : outcome.reason;
  await prisma.$transaction([
    prisma.deliveryAttempt.create({
      data: {
        deliveryId: input.deliveryId,
        attemptNumber: input.attemptNumber,
        startedAt: new Date(input.startedAtMs),
        durationMs: result.durationMs,
        statusCode: result.statusCode ?? null,
        outcome: outcome.kind === 'retry' && outcome.throttled ? 'throttled' : OUTCOME_NAME[outcome.kind],
        errorClass:
          result.errorClass ?? (result.statusCode !== undefined && outcome.kind !== 'delivered' ? `http_${result.statusCode}` : null),
        error,
      },
    }),
    prisma.delivery.update({
      where: { id: input.deliveryId },
      data: {
        status,
        attemptCount: input.attemptNumber,
        lastStatusCode: result.statusCode ?? null,
        lastError: error,
        nextAttemptAt: outcome.kind === 'retry' ? new Date(input.nowMs + outcome.delayMs) : null,
        ...(outcome.kind === 'delivered'
          ? {
              deliveredAt: new Date(input.nowMs),
              latencyMs: input.receivedAtMs === null ? null : Math.max(0, Math.round(input.nowMs - input.receivedAtMs)),
            }
          : {}),
      },
    }),
  ]);
  if (status !== 'retrying' && input.alertId !== null) await settleAlertStatus(prisma, input.alertId);
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
  await prisma.$executeRaw`
    UPDATE alerts AS a
    SET status = (CASE
      WHEN s.delivered = s.total THEN 'delivered'
      WHEN s.delivered = 0 THEN 'failed'
      ELSE 'partially_failed' END)::"AlertStatus"
    FROM (
      SELECT alert_id,
             count(*) FILTER (WHERE status <> 'cancelled') AS total,
             count(*) FILTER (WHERE status = 'delivered') AS delivered,
             count(*) FILTER (WHERE status IN ('pending', 'retrying')) AS open
      FROM deliveries WHERE alert_id = ANY(${alertIds}::uuid[])
      GROUP BY alert_id
    ) AS s
    WHERE a.id = s.alert_id AND s.open = 0 AND s.total > 0 AND a.status IN ('dispatched', 'queued', 'delivered', 'partially_failed', 'failed')`;
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
