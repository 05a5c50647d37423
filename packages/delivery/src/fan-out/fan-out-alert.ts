import { toAlertView, type AlertRecord } from '@herald/core';
import type { Logger } from '@herald/config';
import { type AlertStatus, type SqlSession, uuidv7 } from '@herald/db';
import { deliveryJob, type HeraldQueues } from '@herald/queue';
import type { WebhookDirectory } from '../directory/webhook-directory';
import { digestClaimChecker, planRoute } from './plan-route';

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
  return routeAlerts(deps, await deps.sql.query<RoutableAlert>(LOAD_ALERTS_SQL, [alertIds]));
}

/**
 * Decides once per alert whether it is delivered now or held for the quiet-hours digest, then
 * creates one delivery (record and job) per matching webhook, in a fixed number of round trips
 * whatever the number of alerts. Safe to run twice: deliveries are unique per (alert, webhook)
 * and their job ids are the delivery ids.
 */
async function routeAlerts(deps: FanOutDeps, rows: readonly RoutableAlert[]): Promise<Map<string, FanOutOutcome>> {
  const outcomes = new Map<string, FanOutOutcome>();
  const digestClaimed = digestClaimChecker(deps);
  const snapshot = await deps.directory.snapshot();
  const nowMs = deps.now();
  const suppressed: { id: string; reason: string; scope: string }[] = [];
  const noTargets: string[] = [];
  const toDispatch: { row: RoutableAlert; webhookIds: string[] }[] = [];

  for (const row of rows) {
    if (row.status === 'suppressed') {
      outcomes.set(row.id, { outcome: 'suppressed', reason: row.statusReason ?? '' });
      continue;
    }
    const plan = await planRoute(toAlertView(row), snapshot, digestClaimed, row.status === 'queued');
    if (plan.action === 'suppress') {
      suppressed.push({ id: row.id, reason: plan.reason, scope: plan.scope });
      outcomes.set(row.id, { outcome: 'suppressed', reason: plan.reason });
    } else if (plan.action === 'no_targets') {
      noTargets.push(row.id);
      outcomes.set(row.id, { outcome: 'no_targets' });
    } else {
      toDispatch.push({ row, webhookIds: plan.webhookIds });
    }
  }

  if (suppressed.length > 0) {
    await deps.sql.query(
      `UPDATE alerts AS a SET status = 'suppressed', status_reason = s.reason, quiet_scope = s.scope
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS s(id, reason, scope)
       WHERE a.id = s.id AND a.status = 'queued'`,
      [suppressed.map((x) => x.id), suppressed.map((x) => x.reason), suppressed.map((x) => x.scope)],
    );
  }
  if (noTargets.length > 0) {
    await deps.sql.query(`UPDATE alerts SET status = 'no_targets', dispatched_at = $2 WHERE id = ANY($1::uuid[]) AND status = 'queued'`, [
      noTargets,
      new Date(nowMs),
    ]);
  }
  if (toDispatch.length === 0) return outcomes;

  const dispatchIds = toDispatch.map((d) => d.row.id);
  const created = toDispatch.flatMap(({ row, webhookIds }) =>
    webhookIds.map((webhookId) => ({ id: uuidv7(nowMs), alertId: row.id, webhookId })),
  );
  const open = await deps.sql.query<{ id: string; webhookId: string; alertId: string }>(DISPATCH_SQL, [
    created.map((d) => d.id),
    created.map((d) => d.alertId),
    created.map((d) => d.webhookId),
    dispatchIds,
    toDispatch.filter((d) => d.row.status === 'queued').map((d) => d.row.id),
    new Date(nowMs),
  ]);
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

type RoutableAlert = AlertRecord & { status: AlertStatus; statusReason: string | null };

const LOAD_ALERTS_SQL = `
  SELECT id, type, severity, title, message, printer_id AS "printerId", printer_name AS "printerName", org_id AS "orgId",
         occurred_at AS "occurredAt", status, status_reason AS "statusReason"
  FROM alerts WHERE id = ANY($1::uuid[])`;

/**
 * One statement: insert the new deliveries (an alert fanned out twice keeps its first ones), mark
 * the queued alerts dispatched, and return every pending delivery of these alerts (new or not)
 * so that each gets its job. The second SELECT reads the statement's snapshot, which does not
 * hold the rows inserted above, so the two halves never overlap.
 */
const DISPATCH_SQL = `
  WITH inserted AS (
    INSERT INTO deliveries (id, kind, alert_id, webhook_id, status, updated_at)
    SELECT id, 'alert', alert_id, webhook_id, 'pending', now()
    FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS n(id, alert_id, webhook_id)
    ON CONFLICT DO NOTHING
    RETURNING id, webhook_id, alert_id
  ),
  dispatched AS (
    UPDATE alerts SET status = 'dispatched', dispatched_at = $6 WHERE id = ANY($5::uuid[]) AND status = 'queued'
  )
  SELECT id, webhook_id AS "webhookId", alert_id AS "alertId" FROM inserted
  UNION ALL
  SELECT id, webhook_id, alert_id FROM deliveries WHERE alert_id = ANY($4::uuid[]) AND status = 'pending'`;
