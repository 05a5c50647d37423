import type { Logger } from '@herald/config';
import type { DeliveryKind, SqlSession } from '@herald/db';
import { alertJobId, deliveryJob, deliveryJobId, fanOutJob, firstAttemptsJobId, type HeraldQueues } from '@herald/queue';
import { settleAlertStatuses } from '../deliver/delivery-recorder';

export interface SweepResult {
  alertsRequeued: number;
  deliveriesRequeued: number;
  /** Dispatched alerts with no open delivery left whose status had not been settled (a worker died in between). */
  alertsSettled: number;
}

export interface SweeperDeps {
  sql: SqlSession;
  queues: HeraldQueues;
  logger: Logger;
  now: () => number;
  /** Work older than this without progress is checked against Redis. */
  staleAfterMs: number;
  batchSize?: number;
}

const UNFINISHED_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
const FINISHED_STATES = new Set(['completed', 'failed']);

/** Each job's BullMQ state ('unknown' when Redis does not hold it), by job id. */
async function jobStates(queue: HeraldQueues['alerts'] | HeraldQueues['deliveries'], ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const states = await Promise.all(unique.map((id) => queue.getJobState(id)));
  return new Map(unique.map((id, index) => [id, states[index] as string]));
}

async function missingJobIds(queue: HeraldQueues['alerts'] | HeraldQueues['deliveries'], ids: string[]): Promise<string[]> {
  const states = await jobStates(queue, ids);
  return ids.filter((id) => states.get(id) === 'unknown');
}

/**
 * The database is the record of work; Redis may lose it (down at ingest, restarted without
 * persistence). Re-adds the jobs of saved alerts and open deliveries that Redis no longer holds.
 * Job ids are the alert and delivery ids, so a re-add never doubles work that Redis still has; a
 * delivery not yet attempted counts as held while its alert's first-attempts job is unfinished. A
 * delivery whose own job finished (failed, say, on errors of Herald's own) but left it open gets a new job.
 */
export async function sweepOnce(deps: SweeperDeps): Promise<SweepResult> {
  const batchSize = deps.batchSize ?? 1000;
  const staleBefore = new Date(deps.now() - deps.staleAfterMs);

  const queuedAlerts = await deps.sql.query<{ id: string }>(
    `SELECT id FROM alerts WHERE status = 'queued' AND received_at < $1 ORDER BY received_at LIMIT $2`,
    [staleBefore, batchSize],
  );
  const lostAlerts = await missingJobIds(
    deps.queues.alerts,
    queuedAlerts.map((a) => alertJobId(a.id)),
  );
  if (lostAlerts.length > 0) {
    await deps.queues.alerts.addBulk(lostAlerts.map(fanOutJob));
  }

  const openDeliveries = await deps.sql.query<{
    id: string;
    webhookId: string;
    kind: DeliveryKind;
    nextAttemptAt: Date | null;
    alertId: string | null;
    attemptCount: number;
  }>(
    `SELECT id, webhook_id AS "webhookId", kind, next_attempt_at AS "nextAttemptAt", alert_id AS "alertId",
            attempt_count AS "attemptCount"
     FROM deliveries WHERE status IN ('pending', 'retrying') AND updated_at < $1 ORDER BY updated_at LIMIT $2`,
    [staleBefore, batchSize],
  );
  // A delivery not yet attempted may still wait in its alert's first-attempts job instead of one of its own.
  const firstAttemptsJobOf = (d: (typeof openDeliveries)[number]) =>
    d.kind === 'alert' && d.alertId !== null && d.attemptCount === 0 ? firstAttemptsJobId(d.alertId) : null;
  const states = await jobStates(deps.queues.deliveries, [
    ...openDeliveries.map((d) => deliveryJobId(d.id)),
    ...openDeliveries.flatMap((d) => firstAttemptsJobOf(d) ?? []),
  ]);
  const held = (d: (typeof openDeliveries)[number]) => {
    const firstJob = firstAttemptsJobOf(d);
    return (
      UNFINISHED_STATES.has(states.get(deliveryJobId(d.id)) ?? '') ||
      (firstJob !== null && UNFINISHED_STATES.has(states.get(firstJob) ?? ''))
    );
  };
  const lostDeliveries = openDeliveries.filter((d) => !held(d));
  if (lostDeliveries.length > 0) {
    // A job that ended (its own attempts used up by Herald's own errors, say) while its delivery is
    // still open would keep the id taken for as long as BullMQ keeps finished jobs: make way for a new one.
    const ended = lostDeliveries.map((d) => deliveryJobId(d.id)).filter((id) => FINISHED_STATES.has(states.get(id) ?? ''));
    await Promise.all(ended.map((id) => deps.queues.deliveries.remove(id)));
    const nowMs = deps.now();
    await deps.queues.deliveries.addBulk(lostDeliveries.map((d) => deliveryJob(d, (d.nextAttemptAt?.getTime() ?? 0) - nowMs)));
  }
  const unsettled = await deps.sql.query<{ id: string }>(
    `SELECT a.id FROM alerts a
     WHERE a.status = 'dispatched' AND a.received_at < $1
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id AND d.status IN ('pending', 'retrying'))
       AND EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id)
     LIMIT $2`,
    [staleBefore, batchSize],
  );
  await settleAlertStatuses(
    deps.sql,
    unsettled.map((row) => row.id),
  );

  const result = { alertsRequeued: lostAlerts.length, deliveriesRequeued: lostDeliveries.length, alertsSettled: unsettled.length };
  if (result.alertsRequeued + result.deliveriesRequeued > 0) deps.logger.warn(result, 'sweeper re-enqueued work Redis did not hold');
  else if (result.alertsSettled > 0) deps.logger.warn(result, 'sweeper settled alerts a stopped worker left open');
  return result;
}
