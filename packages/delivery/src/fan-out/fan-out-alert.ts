import { decideDelivery, selectWebhooksForAlert, toAlertView } from '@herald/core';
import type { Logger } from '@herald/config';
import { type PrismaClient, uuidv7 } from '@herald/db';
import { deliveryJob, type HeraldQueues } from '@herald/queue';
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

/**
 * Decides once per alert whether it is delivered now or held for the quiet-hours digest,
 * then creates one delivery (record and job) per matching webhook. Safe to run twice:
 * deliveries are unique per (alert, webhook) and their job ids are the delivery ids.
 */
export async function fanOutAlert(deps: FanOutDeps, alertId: string): Promise<FanOutOutcome> {
  return (await fanOutAlerts(deps, [alertId])).get(alertId) ?? { outcome: 'missing' };
}

/**
 * fanOutAlert for many alerts at once, in a fixed number of round trips whatever their number:
 * concurrent fan-out jobs share one read, one insert of deliveries, one enqueue and one update.
 */
export async function fanOutAlerts(deps: FanOutDeps, alertIds: string[]): Promise<Map<string, FanOutOutcome>> {
  const outcomes = new Map<string, FanOutOutcome>();
  const rows = await deps.prisma.alert.findMany({ where: { id: { in: alertIds } } });
  const snapshot = await deps.directory.snapshot();
  const nowMs = deps.now();
  const suppressed: { id: string; reason: string; scope: string }[] = [];
  const noTargets: string[] = [];
  const toDispatch: { row: (typeof rows)[number]; webhookIds: string[] }[] = [];

  for (const row of rows) {
    if (row.status === 'suppressed') {
      outcomes.set(row.id, { outcome: 'suppressed', reason: row.statusReason ?? '' });
      continue;
    }
    const alert = toAlertView(row);
    if (row.status === 'queued') {
      const decision = decideDelivery({
        alert,
        systemQuietHours: snapshot.systemQuietHours,
        orgQuietHours: alert.orgId === null ? null : (snapshot.quietHoursByOrg.get(alert.orgId) ?? null),
      });
      if (decision.action === 'suppress' && !(await digestAlreadyClaimed(deps, decision.scope, decision.window))) {
        suppressed.push({ id: row.id, reason: decision.reason, scope: decision.scope });
        outcomes.set(row.id, { outcome: 'suppressed', reason: decision.reason });
        continue;
      }
    }
    const targets = selectWebhooksForAlert(alert, snapshot);
    if (targets.length === 0 && row.status === 'queued') {
      noTargets.push(row.id);
      outcomes.set(row.id, { outcome: 'no_targets' });
      continue;
    }
    toDispatch.push({ row, webhookIds: targets.map((webhook) => webhook.id) });
  }

  if (suppressed.length > 0) {
    await deps.prisma.$executeRawUnsafe(
      `UPDATE alerts AS a SET status = 'suppressed', status_reason = s.reason, quiet_scope = s.scope
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS s(id, reason, scope)
       WHERE a.id = s.id AND a.status = 'queued'`,
      suppressed.map((s) => s.id),
      suppressed.map((s) => s.reason),
      suppressed.map((s) => s.scope),
    );
  }
  if (noTargets.length > 0) {
    await deps.prisma.alert.updateMany({
      where: { id: { in: noTargets }, status: 'queued' },
      data: { status: 'no_targets', dispatchedAt: new Date(nowMs) },
    });
  }
  if (toDispatch.length === 0) return outcomes;

  const dispatchIds = toDispatch.map((d) => d.row.id);
  await deps.prisma.delivery.createMany({
    data: toDispatch.flatMap(({ row, webhookIds }) =>
      webhookIds.map((webhookId) => ({ id: uuidv7(nowMs), kind: 'alert' as const, alertId: row.id, webhookId })),
    ),
    skipDuplicates: true,
  });
  const open = await deps.prisma.delivery.findMany({
    where: { alertId: { in: dispatchIds }, status: 'pending' },
    select: { id: true, webhookId: true, alertId: true },
  });
  if (open.length > 0) {
    await deps.queues.deliveries.addBulk(open.map((d) => deliveryJob({ ...d, kind: 'alert' })));
  }
  const queuedIds = toDispatch.filter((d) => d.row.status === 'queued').map((d) => d.row.id);
  if (queuedIds.length > 0) {
    await deps.prisma.alert.updateMany({
      where: { id: { in: queuedIds }, status: 'queued' },
      data: { status: 'dispatched', dispatchedAt: new Date(nowMs) },
    });
  }
  for (const id of dispatchIds) {
    outcomes.set(id, { outcome: 'dispatched', deliveryIds: open.filter((d) => d.alertId === id).map((d) => d.id) });
  }
  return outcomes;
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
