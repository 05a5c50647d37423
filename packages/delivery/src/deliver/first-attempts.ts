import { deliveryJob, type FirstAttemptsJobData, type HeraldQueues } from '@herald/queue';
import { UnrecoverableError, type Job } from 'bullmq';
import { deliverJob, parkedJobCarrier, type DeliverDeps, type DeliveryCarrier, type DeliveryJobState } from './deliver-job';

/**
 * Deliveries of one alert attempted at once: a job's memory (bodies, sockets, pending statements)
 * follows this, not the alert's fan-out width (2,000 webhooks is one farm's worst day).
 */
const FIRST_ATTEMPTS_AT_ONCE = 100;

/** `Promise.allSettled` over `items`, with at most `limit` of them running at a time; results in order. */
async function settleWithin<T, R>(limit: number, items: readonly T[], run: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await run(items[index] as T) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** A delivery whose attempt here threw (not an HTTP outcome) retries in its own job this soon. */
const RETRY_ALONE_AFTER_MS = 1_000;

/**
 * An alert's deliveries inside its first-attempts job. One that has to wait is handed to a job of
 * its own, which BullMQ parks as usual; one that ended failed or dead is simply done.
 */
function handOffCarrier(
  queues: HeraldQueues,
  delivery: { deliveryId: string; webhookId: string; rerun: boolean },
  ended: string[],
): DeliveryCarrier {
  const { deliveryId, webhookId, rerun } = delivery;
  return {
    deliveryId,
    state: { webhookId },
    async wait(delayMs, state: DeliveryJobState) {
      const job = deliveryJob({ id: deliveryId, webhookId, kind: 'alert' }, delayMs);
      await queues.deliveries.add(job.name, state, job.opts);
      return 'waits in its own job';
    },
    async end(reason) {
      ended.push(`${deliveryId}: ${reason}`);
      return reason;
    },
    async detach(watchdogMs) {
      // Its own job, due after the request can have ended: it runs the delivery only if this process dies first.
      const job = deliveryJob({ id: deliveryId, webhookId, kind: 'alert' }, watchdogMs);
      await queues.deliveries.add(job.name, { webhookId }, job.opts);
      return { later: parkedJobCarrier(queues, deliveryId, { webhookId }, 'alert'), leave: () => 'goes on without a job slot' };
    },
    async skip(delivery) {
      // Attempted before: its own job carries it on. On a re-run (a crash, a stall), so does a job
      // it was handed to before any attempt (a rate limit, a busy endpoint).
      if (delivery.attemptCount > 0) return 'carried by its own job';
      if (rerun && (await queues.deliveries.getJobState(deliveryId)) !== 'unknown') return 'carried by its own job';
      return null;
    },
  };
}

/**
 * Sends the first attempt of each of an alert's deliveries, concurrently. A delivery whose attempt
 * threw (the database unreachable, say) goes on in its own job, which BullMQ retries; if even that
 * cannot be added, the whole job fails and its re-run skips what was done. When a delivery ended
 * failed or dead, the job ends failed for good, naming it, so operators see it in the dashboard
 * as they see a delivery job that failed.
 */
export async function deliverFirstAttempts(deps: DeliverDeps & { queues: HeraldQueues }, job: Job<FirstAttemptsJobData>): Promise<string> {
  const rerun = job.attemptsStarted > 1;
  const ended: string[] = [];
  const settled = await settleWithin(FIRST_ATTEMPTS_AT_ONCE, job.data.deliveries, ([deliveryId, webhookId]) =>
    deliverJob(deps, handOffCarrier(deps.queues, { deliveryId, webhookId, rerun }, ended)),
  );
  const threw = job.data.deliveries.filter((_, index) => settled[index]?.status === 'rejected');
  if (threw.length > 0) {
    await deps.queues.deliveries.addBulk(
      threw.map(([id, webhookId]) => deliveryJob({ id, webhookId, kind: 'alert' }, RETRY_ALONE_AFTER_MS)),
    );
  }
  if (ended.length > 0) throw new UnrecoverableError(`${ended.length} of ${job.data.deliveries.length} ended: ${ended.join('; ')}`);
  return `${job.data.deliveries.length - threw.length} attempted, ${threw.length} handed on`;
}
