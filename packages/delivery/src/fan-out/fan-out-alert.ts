import { toAlertView, type RoutePlan } from '@herald/core';
import type { Logger } from '@herald/config';
import { insertRoutedAlerts, loadRoutableAlerts, type RoutableAlert, type SqlSession, uuidv7 } from '@herald/db';
import { deliveryJob, type HeraldQueues } from '@herald/queue';
import { digestClaimChecker, planRoute, type WebhookDirectory } from '@herald/routing';

export interface FanOutDeps {
  sql: SqlSession;
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
 * Routes saved alerts by id: the fan-out queue's path, for alerts whose routing at ingest failed,
 * or that the sweeper found unrouted. See `routeAlerts`.
 */
export async function fanOutAlerts(deps: FanOutDeps, alertIds: string[]): Promise<Map<string, FanOutOutcome>> {
  return routeAlerts(deps, await loadRoutableAlerts(deps.sql, alertIds));
}

/**
 * Decides once per alert which webhooks get it now and which quiet-hours scopes hold it for their digest, then
 * creates one delivery (record and job) per matching webhook, in a fixed number of round trips
 * whatever the number of alerts. Safe to run twice: deliveries are unique per (alert, webhook)
 * and their job ids are the delivery ids.
 */
async function routeAlerts(deps: FanOutDeps, rows: readonly RoutableAlert[]): Promise<Map<string, FanOutOutcome>> {
  const outcomes = new Map<string, FanOutOutcome>();
  const digestClaimed = digestClaimChecker(deps);
  const snapshot = await deps.directory.snapshot();
  const nowMs = deps.now();
  const queuedAlerts: { id: string; plan: RoutePlan }[] = [];
  const toDispatch: { row: RoutableAlert; webhookIds: string[] }[] = [];

  for (const row of rows) {
    if (row.status === 'suppressed') {
      outcomes.set(row.id, { outcome: 'suppressed', reason: row.statusReason ?? '' });
      continue;
    }
    // An alert routed before (dispatched) is only re-sent to its targets its holds do not keep it from.
    const plan = await planRoute(toAlertView(row), snapshot, digestClaimed, row.status === 'queued' ? null : row.heldAudiences);
    if (row.status === 'queued') queuedAlerts.push({ id: row.id, plan });
    if (plan.action === 'suppress') {
      outcomes.set(row.id, { outcome: 'suppressed', reason: plan.reason });
    } else if (plan.action === 'no_targets') {
      outcomes.set(row.id, { outcome: 'no_targets' });
    } else {
      toDispatch.push({ row, webhookIds: plan.webhookIds });
    }
  }
  if (queuedAlerts.length === 0 && toDispatch.length === 0) return outcomes;

  const dispatchIds = toDispatch.map((d) => d.row.id);
  const created = toDispatch.flatMap(({ row, webhookIds }) =>
    webhookIds.map((webhookId) => ({ id: uuidv7(nowMs), alertId: row.id, webhookId })),
  );
  const { deliveries: open } = await insertRoutedAlerts(deps.sql, {
    newAlerts: [],
    source: null,
    queuedAlerts,
    savedDispatchIds: dispatchIds,
    deliveries: created,
    nowMs,
  });
  // The delivery rows are committed before their jobs exist, so a job always finds its row.
  if (open.length > 0) {
    await deps.queues.deliveries.addBulk(open.map((d) => deliveryJob({ ...d, kind: 'alert' })));
  }
  for (const id of dispatchIds) outcomes.set(id, { outcome: 'dispatched', deliveryIds: [] });
  for (const delivery of open) {
    const outcome = outcomes.get(delivery.alertId);
    if (outcome?.outcome === 'dispatched') outcome.deliveryIds.push(delivery.id);
  }
  return outcomes;
}
