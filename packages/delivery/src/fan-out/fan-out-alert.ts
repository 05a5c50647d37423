import { decideDelivery, selectWebhooksForAlert, toAlertView, type AlertRecord } from '@herald/core';
import type { Logger } from '@herald/config';
import { type AlertStatus, type SqlSession, uuidv7 } from '@herald/db';
import { deliveryJob, type HeraldQueues } from '@herald/queue';
import type { WebhookDirectory } from '../directory/webhook-directory';

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
 * Routes saved alerts by id (the fan-out queue's path: alerts whose routing at ingest failed, or
 * that the sweeper found unrouted). See `routeAlerts`.
 */
export async function fanOutAlerts(deps: FanOutDeps, alertIds: string[]): Promise<Map<string, FanOutOutcome>> {
  return routeAlerts(deps, await deps.sql.query<RoutableAlert>(LOAD_ALERTS_SQL, [alertIds]));
}

/** Routes alerts just saved (status `queued`), from the rows in hand: the API's path at ingest. */
export function routeNewAlerts(deps: FanOutDeps, alerts: readonly AlertRecord[]): Promise<Map<string, FanOutOutcome>> {
  return routeAlerts(
    deps,
    alerts.map((alert) => ({ ...alert, status: 'queued', statusReason: null })),
  );
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
    const alert = toAlertView(row);
    if (row.status === 'queued') {
      const decision = decideDelivery({
        alert,
        systemQuietHours: snapshot.systemQuietHours,
        orgQuietHours: alert.orgId === null ? null : (snapshot.quietHoursByOrg.get(alert.orgId) ?? null),
      });
      if (decision.action === 'suppress' && !(await digestClaimed(decision.scope, decision.window))) {
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

/**
 * An alert that reaches the worker after its quiet window's digest was claimed (a late
 * arrival or a backlog) is delivered now rather than held for a digest that has gone.
 * Asked once per (scope, window) for a whole batch of alerts.
 */
function digestClaimChecker(deps: FanOutDeps): (scopeKey: string, window: { startMs: number; endMs: number }) => Promise<boolean> {
  const answers = new Map<string, Promise<boolean>>();
  return (scopeKey, window) => {
    if (window.endMs > deps.now()) return Promise.resolve(false);
    const key = `${scopeKey} ${window.startMs} ${window.endMs}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = deps.sql
        .query('SELECT 1 FROM digests WHERE scope_key = $1 AND window_start = $2 AND window_end = $3', [
          scopeKey,
          new Date(window.startMs),
          new Date(window.endMs),
        ])
        .then((rows) => rows.length > 0);
      answers.set(key, answer);
    }
    return answer;
  };
}
