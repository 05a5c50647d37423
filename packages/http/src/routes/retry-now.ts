import { deliveryJobId, type HeraldQueues } from '@herald/queue';
import { conflict } from '../http-errors';

/**
 * A delivery waiting for its next retry is sent now: its own delayed job (job id = delivery id) is
 * promoted, so the worker attempts it at once with its state (attempt count, throttling) unchanged.
 */
export async function sendWaitingRetryNow(queues: HeraldQueues, deliveryId: string): Promise<void> {
  const job = await queues.deliveries.getJob(deliveryJobId(deliveryId));
  if (!job || !(await job.isDelayed())) throw conflict('the delivery is not waiting for a retry right now; look at it again');
  await job.promote();
}
