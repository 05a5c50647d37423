import { reopenAlerts, reopenDeliveries, type Delivery, type PrismaClient } from '@herald/db';
import { deliveryJob, deliveryJobId, type HeraldQueues } from '@herald/queue';
import { conflict, HttpError } from '../http-errors';

export const RETRYABLE_STATUSES = ['failed', 'dead', 'cancelled'] as const;

type DeliveriesQueue = HeraldQueues['deliveries'];
type JobSlot = 'free' | 'kept' | 'busy';

export interface RedeliveryDeps {
  prisma: PrismaClient;
  queues: HeraldQueues;
}

type RedeliveryTarget = Pick<Delivery, 'id' | 'webhookId' | 'kind' | 'alertId'>;

const queueUnavailable = () =>
  new HttpError(503, 'queue_unavailable', 'the queue is not answering; retry shortly', undefined, { 'retry-after': '5' });

/** How long a retry waits for the job of a delivery that has just ended to finish. */
const WRAP_UP_WAIT_MS = 2_000;
const WRAP_UP_POLL_MS = 50;

/**
 * The job id of a delivery is its id, and BullMQ keeps finished jobs for a while: an add with the
 * same id would be ignored. A finished job is removed first; a waiting or delayed one is kept (it
 * runs and finds the delivery pending again); a running one makes the delivery busy. The job of a
 * delivery that has just ended is still running for a moment after its status is written (it settles
 * the alert and counts the webhook's health): a retry waits up to WRAP_UP_WAIT_MS for it.
 */
async function freeJobSlot(queue: DeliveriesQueue, deliveryId: string): Promise<JobSlot> {
  const jobId = deliveryJobId(deliveryId);
  const deadline = Date.now() + WRAP_UP_WAIT_MS;
  let state = await queue.getJobState(jobId);
  while (state === 'active' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, WRAP_UP_POLL_MS));
    state = await queue.getJobState(jobId);
  }
  if (state === 'unknown') return 'free';
  if (state === 'completed' || state === 'failed') return (await queue.remove(jobId)) === 1 ? 'free' : 'busy';
  if (state === 'active') return 'busy';
  return 'kept';
}

/**
 * Sends the given finished deliveries again: each becomes `pending` and gets a job whose id is
 * still the delivery id. Returns the ids that were re-sent; busy ones (a worker holds their job)
 * and ones that changed state meanwhile are skipped.
 */
export async function redeliver(
  deps: RedeliveryDeps,
  deliveries: RedeliveryTarget[],
  statuses: readonly Delivery['status'][],
): Promise<string[]> {
  if (deliveries.length === 0) return [];
  let slots: JobSlot[];
  try {
    slots = await Promise.all(deliveries.map((delivery) => freeJobSlot(deps.queues.deliveries, delivery.id)));
  } catch {
    throw queueUnavailable();
  }
  const ready = deliveries.filter((_, index) => slots[index] !== 'busy');
  if (ready.length === 0) return [];
  // Only rows still finished are reopened, so two concurrent retries of one delivery enqueue it once.
  const reopened = new Set(
    await reopenDeliveries(
      deps.prisma,
      ready.map((d) => d.id),
      statuses,
    ),
  );
  const reopenedDeliveries = ready.filter((delivery) => reopened.has(delivery.id));
  // Alerts that had settled go back to `dispatched` until their re-sent deliveries settle again.
  await reopenAlerts(deps.prisma, [...new Set(reopenedDeliveries.flatMap((d) => (d.alertId === null ? [] : [d.alertId])))]);
  const toAdd = reopenedDeliveries.filter((delivery) => slots[deliveries.indexOf(delivery)] === 'free');
  // If Redis fails here, the rows are pending without a job: the worker's sweeper re-adds them.
  if (toAdd.length > 0)
    await deps.queues.deliveries
      .addBulk(toAdd.flatMap((d) => (d.webhookId === null ? [] : [deliveryJob({ id: d.id, webhookId: d.webhookId, kind: d.kind })])))
      .catch(() => undefined);
  return reopenedDeliveries.map((delivery) => delivery.id);
}

/** One delivery, for POST /v1/deliveries/:id/retry: 409 unless it ended failed, dead or cancelled. */
export async function retryDelivery(deps: RedeliveryDeps, delivery: RedeliveryTarget & Pick<Delivery, 'status'>): Promise<void> {
  if (delivery.webhookId === null) throw conflict('its webhook was deleted; the delivery is kept as history');
  if (!(RETRYABLE_STATUSES as readonly string[]).includes(delivery.status)) {
    throw conflict(`only failed, dead or cancelled deliveries can be retried; this one is ${delivery.status}`);
  }
  const sent = await redeliver(deps, [delivery], RETRYABLE_STATUSES);
  if (sent.length === 0) throw conflict('the delivery is being processed or changed meanwhile; look at it again');
}
