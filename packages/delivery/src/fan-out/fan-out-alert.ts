import { decideDelivery, selectWebhooksForAlert, type AlertType, type AlertView, type Severity } from '@herald/core';
import type { Logger } from '@herald/config';
import { type PrismaClient, uuidv7 } from '@herald/db';
import { deliveryJobId, type HeraldQueues } from '@herald/queue';
import type { WebhookDirectory } from '../directory/webhook-directory';

export interface FanOutDeps {
  prisma: PrismaClient;
  queues: HeraldQueues;
  directory: WebhookDirectory;
  logger: Logger;
  now: () => number;
}

export type FanOutOutcome =
  | { outcome: 'missing' }
  | { outcome: 'suppressed'; reason: string }
  | { outcome: 'no_targets' }
  | { outcome: 'dispatched'; deliveryIds: string[] };

export function toAlertView(row: {
  id: string;
  type: string;
  severity: Severity;
  title: string;
  message: string;
  printerId: number;
  printerName: string | null;
  orgId: number | null;
  occurredAt: Date;
}): AlertView {
  return {
    id: row.id,
    type: row.type as AlertType,
    severity: row.severity,
    title: row.title,
    message: row.message,
    printerId: row.printerId,
    printerName: row.printerName,
    orgId: row.orgId,
    occurredAtMs: row.occurredAt.getTime(),
  };
}

/**
 * Decides once per alert whether it is delivered now or held for the quiet-hours digest,
 * then creates one delivery (record and job) per matching webhook. Safe to run twice:
 * deliveries are unique per (alert, webhook) and their job ids are the delivery ids.
 */
export async function fanOutAlert(deps: FanOutDeps, alertId: string): Promise<FanOutOutcome> {
  const row = await deps.prisma.alert.findUnique({ where: { id: alertId } });
  if (!row) return { outcome: 'missing' };
  if (row.status === 'suppressed') return { outcome: 'suppressed', reason: row.statusReason ?? '' };
  const alert = toAlertView(row);
  const snapshot = await deps.directory.snapshot();

  if (row.status === 'queued') {
    const decision = decideDelivery({
      alert,
      systemQuietHours: snapshot.systemQuietHours,
      orgQuietHours: alert.orgId === null ? null : (snapshot.quietHoursByOrg.get(alert.orgId) ?? null),
    });
    if (decision.action === 'suppress' && !(await digestAlreadyClaimed(deps, decision.scope, decision.window))) {
      await deps.prisma.alert.update({
        where: { id: alertId },
        data: { status: 'suppressed', statusReason: decision.reason, quietScope: decision.scope },
      });
      return { outcome: 'suppressed', reason: decision.reason };
    }
  }

  const targets = selectWebhooksForAlert(alert, snapshot);
  if (targets.length === 0 && row.status === 'queued') {
    await deps.prisma.alert.update({ where: { id: alertId }, data: { status: 'no_targets', dispatchedAt: new Date(deps.now()) } });
    return { outcome: 'no_targets' };
  }

  const nowMs = deps.now();
  await deps.prisma.delivery.createMany({
    data: targets.map((webhook) => ({ id: uuidv7(nowMs), kind: 'alert' as const, alertId, webhookId: webhook.id })),
    skipDuplicates: true,
  });
  const deliveries = await deps.prisma.delivery.findMany({
    where: { alertId, status: { in: ['pending', 'retrying'] } },
    select: { id: true, webhookId: true, status: true },
  });
  const fresh = deliveries.filter((d) => d.status === 'pending');
  if (fresh.length > 0) {
    await deps.queues.deliveries.addBulk(
      fresh.map((d) => ({
        name: 'deliver',
        data: { deliveryId: d.id, webhookId: d.webhookId, kind: 'alert' as const },
        opts: { jobId: deliveryJobId(d.id) },
      })),
    );
  }
  if (row.status === 'queued') {
    await deps.prisma.alert.updateMany({
      where: { id: alertId, status: 'queued' },
      data: { status: 'dispatched', dispatchedAt: new Date(nowMs) },
    });
  }
  return { outcome: 'dispatched', deliveryIds: fresh.map((d) => d.id) };
}

/**
 * An alert that reaches the worker after its quiet window's digest was claimed (a late
 * arrival or a backlog) is delivered now rather than held for a digest that has gone.
 */
async function digestAlreadyClaimed(deps: FanOutDeps, scopeKey: string, window: { startMs: number; endMs: number }): Promise<boolean> {
  if (window.endMs > deps.now()) return false;
  const digest = await deps.prisma.digest.findUnique({
    where: { scopeKey_windowStart_windowEnd: { scopeKey, windowStart: new Date(window.startMs), windowEnd: new Date(window.endMs) } },
    select: { id: true },
  });
  return digest !== null;
}
