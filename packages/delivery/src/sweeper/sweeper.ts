import type { Logger } from '@herald/config';
import {
  endDeliveryDead,
  findUnsettledAlerts,
  settleAlertStatuses,
  staleOpenDeliveries,
  staleQueuedAlerts,
  type SqlSession,
  type StaleOpenDelivery,
  type SweepCursor,
} from '@herald/db';
import { alertJobId, deliveryJob, deliveryJobId, fanOutJob, firstAttemptsJobId, type HeraldQueues } from '@herald/queue';

export interface SweepResult {
  alertsRequeued: number;
  /** Queued alerts whose fan-out job had finished without routing them: run again. */
  alertsRevived: number;
  deliveriesRequeued: number;
  /** Open deliveries whose job kept failing on errors of Herald's own: ended dead. */
  deliveriesGivenUp: number;
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
  /** How long one sweep reads pages (default SWEEP_BUDGET_MS). */
  budgetMs?: number;
}

const UNFINISHED_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
type FinishedState = 'completed' | 'failed';
const FINISHED_STATES = new Set<string>(['completed', 'failed'] satisfies FinishedState[]);
/** Extra attempts an open delivery gets, one at a time, after its job used up its BullMQ attempts on errors of Herald's own. */
export const MAX_JOB_REVIVALS = 5;

/**
 * A delivery's own job ended (failed, its BullMQ attempts used up by errors of Herald's own, say a
 * database error that is not an outage) while the delivery is still open. The job is run again in
 * place, one attempt at a time (`retry` keeps `attemptsMade`, so BullMQ fails it again after one
 * more attempt and the count of revivals is `attemptsMade - attempts`), each revival waiting twice
 * as long as the one before. `retry` checks atomically that the job is still finished, so a job
 * someone else moved on meanwhile (another sweeper, an admin retry) is left alone. After
 * MAX_JOB_REVIVALS the delivery ends dead, where operators see it and can retry it.
 */
async function reviveEndedJob(
  deps: SweeperDeps,
  delivery: { id: string; alertId: string | null },
  state: FinishedState,
  staleBefore: Date,
): Promise<'revived' | 'given up' | 'waits'> {
  // A delivery's own job (not a first-attempts job): its id is the delivery id.
  const job = await deps.queues.deliveries.getJob(deliveryJobId(delivery.id));
  if (!job) return 'waits';
  const revivals = Math.max(0, job.attemptsMade - (job.opts.attempts ?? 1));
  if (revivals >= MAX_JOB_REVIVALS) {
    // Only if nobody touched the delivery since this sweep read it (an admin retry reopens it).
    const ended = await endDeliveryDead(
      deps.sql,
      delivery.id,
      `gave up after ${job.attemptsMade} attempts that failed on errors of Herald's own (see the worker log)`,
      staleBefore,
    );
    if (!ended) return 'waits';
    if (delivery.alertId !== null) await settleAlertStatuses(deps.sql, [delivery.alertId]);
    // The job's error stays in the log: it can name database users or hosts, so it is not shown to API users.
    deps.logger.error(
      { deliveryId: delivery.id, attempts: job.attemptsMade, err: job.failedReason },
      "delivery dead: its job kept failing on errors of Herald's own",
    );
    return 'given up';
  }
  // BullMQ stamps finishedOn with the wall clock.
  if (Date.now() - (job.finishedOn ?? 0) < deps.staleAfterMs * 2 ** revivals) return 'waits';
  try {
    await job.retry(state);
    return 'revived';
  } catch {
    return 'waits';
  }
}

/** Each job's BullMQ state ('unknown' when Redis does not hold it), by job id. */
async function jobStates(queue: HeraldQueues['alerts'] | HeraldQueues['deliveries'], ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const states = await Promise.all(unique.map((id) => queue.getJobState(id)));
  return new Map(unique.map((id, index) => [id, states[index] as string]));
}

/**
 * A queued alert's fan-out job finished (failed: its attempts used up by errors of Herald's own; or
 * completed while the alert stayed queued) without routing it. It runs again with fresh attempts:
 * an accepted alert never stays queued for good. `retry` checks atomically that the job is still
 * finished, so one someone else moved on meanwhile is left alone. Fan-out is safe to run twice.
 */
async function reviveFanOut(deps: SweeperDeps, alertId: string, state: FinishedState): Promise<boolean> {
  const job = await deps.queues.alerts.getJob(alertJobId(alertId));
  if (!job) return false;
  try {
    await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
  } catch {
    return false;
  }
  if (state === 'failed') {
    deps.logger.error({ alertId, attempts: job.attemptsMade, err: job.failedReason }, 'routing an alert kept failing: trying again');
  }
  return true;
}

/** How long one sweep keeps reading pages before it lets the next one carry on. */
const SWEEP_BUDGET_MS = 10_000;

/**
 * The database is the record of work; Redis may lose it (down at ingest, restarted without
 * persistence, out of memory). Re-adds the jobs of saved alerts and open deliveries that Redis no
 * longer holds, and revives the ones whose jobs finished but left them open. Job ids are the alert
 * and delivery ids, so a re-add never doubles work that Redis still has; a delivery not yet
 * attempted counts as held while its alert's first-attempts job is unfinished. A backlog is read
 * in pages (keyset, oldest first), as fast as Redis takes the re-added jobs, for up to
 * SWEEP_BUDGET_MS per sweep.
 */
export async function sweepOnce(deps: SweeperDeps): Promise<SweepResult> {
  const batchSize = deps.batchSize ?? 1000;
  const staleBefore = new Date(deps.now() - deps.staleAfterMs);
  const started = Date.now();
  const withinBudget = () => Date.now() - started < (deps.budgetMs ?? SWEEP_BUDGET_MS);
  const result: SweepResult = { alertsRequeued: 0, alertsRevived: 0, deliveriesRequeued: 0, deliveriesGivenUp: 0, alertsSettled: 0 };

  let alertCursor: SweepCursor | null = null;
  for (;;) {
    const page = await staleQueuedAlerts(deps.sql, staleBefore, alertCursor, batchSize);
    const states = await jobStates(
      deps.queues.alerts,
      page.map((a) => alertJobId(a.id)),
    );
    const lost = page.filter((a) => states.get(alertJobId(a.id)) === 'unknown').map((a) => a.id);
    if (lost.length > 0) await deps.queues.alerts.addBulk(lost.map(fanOutJob));
    const finished = page.filter((a) => FINISHED_STATES.has(states.get(alertJobId(a.id)) ?? ''));
    const revived = await Promise.all(finished.map((a) => reviveFanOut(deps, a.id, states.get(alertJobId(a.id)) as FinishedState)));
    result.alertsRequeued += lost.length;
    result.alertsRevived += revived.filter(Boolean).length;
    const last = page.at(-1);
    if (!last || page.length < batchSize || !withinBudget()) break;
    alertCursor = { at: last.at, id: last.id };
  }

  let deliveryCursor: SweepCursor | null = null;
  for (;;) {
    const page = await staleOpenDeliveries(deps.sql, staleBefore, deliveryCursor, batchSize);
    const swept = await sweepDeliveryPage(deps, page, staleBefore);
    result.deliveriesRequeued += swept.requeued;
    result.deliveriesGivenUp += swept.givenUp;
    const last = page.at(-1);
    if (!last || page.length < batchSize || !withinBudget()) break;
    deliveryCursor = { at: last.at, id: last.id };
  }

  const unsettled = await findUnsettledAlerts(deps.sql, staleBefore, batchSize);
  await settleAlertStatuses(
    deps.sql,
    unsettled.map((row) => row.id),
  );
  result.alertsSettled = unsettled.length;

  if (result.alertsRequeued + result.alertsRevived + result.deliveriesRequeued + result.deliveriesGivenUp > 0) {
    deps.logger.warn(result, 'sweeper re-enqueued work Redis did not hold');
  } else if (result.alertsSettled > 0) deps.logger.warn(result, 'sweeper settled alerts a stopped worker left open');
  return result;
}

async function sweepDeliveryPage(
  deps: SweeperDeps,
  openDeliveries: StaleOpenDelivery[],
  staleBefore: Date,
): Promise<{ requeued: number; givenUp: number }> {
  // A delivery not yet attempted may still wait in its alert's first-attempts job instead of one of its own.
  const firstAttemptsJobOf = (d: StaleOpenDelivery) =>
    d.kind === 'alert' && d.alertId !== null && d.attemptCount === 0 ? firstAttemptsJobId(d.alertId) : null;
  // First the alerts' first-attempts jobs (one per alert, not per delivery): a backlog's deliveries
  // wait in them, and then their own jobs need no look.
  const firstStates = await jobStates(
    deps.queues.deliveries,
    openDeliveries.flatMap((d) => firstAttemptsJobOf(d) ?? []),
  );
  const heldByFirstJob = (d: StaleOpenDelivery) => {
    const firstJob = firstAttemptsJobOf(d);
    return firstJob !== null && UNFINISHED_STATES.has(firstStates.get(firstJob) ?? '');
  };
  const rest = openDeliveries.filter((d) => !heldByFirstJob(d));
  const states = await jobStates(
    deps.queues.deliveries,
    rest.map((d) => deliveryJobId(d.id)),
  );
  const lostDeliveries = rest.filter((d) => !UNFINISHED_STATES.has(states.get(deliveryJobId(d.id)) ?? ''));
  const jobEnded = (d: StaleOpenDelivery) => FINISHED_STATES.has(states.get(deliveryJobId(d.id)) ?? '');
  const ended = lostDeliveries.filter(jobEnded);
  const missing = lostDeliveries.filter((d) => !jobEnded(d));
  if (missing.length > 0) {
    const nowMs = deps.now();
    await deps.queues.deliveries.addBulk(missing.map((d) => deliveryJob(d, (d.nextAttemptAt?.getTime() ?? 0) - nowMs)));
  }
  const revived = await Promise.all(
    ended.map((d) => reviveEndedJob(deps, d, states.get(deliveryJobId(d.id)) as FinishedState, staleBefore)),
  );
  return {
    requeued: missing.length + revived.filter((r) => r === 'revived').length,
    givenUp: revived.filter((r) => r === 'given up').length,
  };
}
