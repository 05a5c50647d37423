import { deliveryJob, type FirstAttemptsJobData, type HeraldQueues } from '@herald/queue';
import { pageAlertDeliveries, type SqlSession } from '@herald/db';
import { UnrecoverableError, type Job } from 'bullmq';
import { deliverJob, parkedJobCarrier, type DeliverDeps, type DeliveryCarrier, type DeliveryJobState } from './deliver-job';

/**
 * Deliveries of one alert attempted at once: a job's memory (bodies, sockets, pending statements)
 * follows this, not the alert's fan-out width (2,000 webhooks is one farm's worst day).
 */
const FIRST_ATTEMPTS_AT_ONCE = 100;

/**
 * First attempts in flight in the whole process, per job slot: fifty 3-webhook alerts never wait
 * for each other, while fifty 2,000-webhook alerts attempt 150 deliveries at once, not 5,000 (their
 * requests, bodies and sockets are what the worker's memory follows).
 */
export const FIRST_ATTEMPTS_PER_SLOT = 3;

/** A counting semaphore shared by a process's first-attempts jobs (FIFO, so wide jobs take turns). */
export interface AttemptLanes {
  run<R>(task: () => Promise<R>): Promise<R>;
}

export function createAttemptLanes(capacity: number): AttemptLanes {
  let free = capacity;
  const waiting: (() => void)[] = [];
  return {
    async run(task) {
      if (free > 0) free -= 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free += 1;
      }
    },
  };
}

/** `Promise.allSettled` over `items`, with at most `limit` of them running at a time; results in order. */
async function settleWithin<T, R>(
  limit: number,
  items: readonly T[],
  run: (item: T) => Promise<R>,
  lanes?: AttemptLanes,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        const item = items[index] as T;
        results[index] = { status: 'fulfilled', value: await (lanes ? lanes.run(() => run(item)) : run(item)) };
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

/** A wide alert's deliveries are read this many at a time (see FIRST_ATTEMPTS_INLINE_MAX in @herald/queue). */
export const FIRST_ATTEMPTS_PAGE_SIZE = 200;

/** The job's deliveries: carried in its data, or read from the database a page at a time (keyset on webhook id). */
async function* deliveryPages(sql: SqlSession, data: FirstAttemptsJobData, pageSize: number): AsyncGenerator<readonly [string, string][]> {
  if (data.deliveries) {
    yield data.deliveries;
    return;
  }
  if (data.alertId === undefined) return;
  let after: string | null = null;
  for (;;) {
    const page = await pageAlertDeliveries(sql, data.alertId, after, pageSize);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = (page[page.length - 1] as [string, string])[1];
  }
}

/**
 * Sends the first attempt of each of an alert's deliveries, concurrently. A delivery whose attempt
 * threw (the database unreachable, say) goes on in its own job, which BullMQ retries; if even that
 * cannot be added, the whole job fails and its re-run skips what was done. When a delivery ended
 * failed or dead, the job ends failed for good, naming it, so operators see it in the dashboard
 * as they see a delivery job that failed. A wide alert's deliveries are read and sent a page at a
 * time, so the job holds one page, never the alert's whole fan-out.
 */
export async function deliverFirstAttempts(
  deps: DeliverDeps & { queues: HeraldQueues; firstAttemptLanes?: AttemptLanes; firstAttemptsPageSize?: number },
  job: Job<FirstAttemptsJobData>,
): Promise<string> {
  const rerun = job.attemptsStarted > 1;
  const ended: string[] = [];
  let total = 0;
  let handedOn = 0;
  for await (const page of deliveryPages(deps.sql, job.data, deps.firstAttemptsPageSize ?? FIRST_ATTEMPTS_PAGE_SIZE)) {
    total += page.length;
    const settled = await settleWithin(
      FIRST_ATTEMPTS_AT_ONCE,
      page,
      ([deliveryId, webhookId]) => deliverJob(deps, handOffCarrier(deps.queues, { deliveryId, webhookId, rerun }, ended)),
      deps.firstAttemptLanes,
    );
    const threw = page.filter((_, index) => settled[index]?.status === 'rejected');
    if (threw.length > 0) {
      handedOn += threw.length;
      await deps.queues.deliveries.addBulk(
        threw.map(([id, webhookId]) => deliveryJob({ id, webhookId, kind: 'alert' }, RETRY_ALONE_AFTER_MS)),
      );
    }
  }
  if (ended.length > 0) throw new UnrecoverableError(`${ended.length} of ${total} ended: ${ended.join('; ')}`);
  return `${total - handedOn} attempted, ${handedOn} handed on`;
}
