import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from './queue-names';
import type { AlertJobData, DeliveryJobData } from './job-contracts';

const DAY_SECONDS = 86_400;

/**
 * The database is the record; Redis keeps finished jobs only long enough for job-id
 * deduplication to hold while re-enqueues can still happen (a day), and failed ones a week
 * for inspection on the dashboard. Both are bounded in count too, so a storm cannot fill Redis.
 */
export const ALERT_JOB_OPTIONS: JobsOptions = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: DAY_SECONDS, count: 100_000 },
  removeOnFail: { age: 7 * DAY_SECONDS, count: 100_000 },
};

export const DELIVERY_JOB_OPTIONS: JobsOptions = {
  // Endpoint retries are Herald's own (retry schedule, Retry-After as delayed jobs, which BullMQ
  // does not count as attempts). BullMQ's attempts only cover Herald's own failures, such as
  // the database being unreachable while recording an attempt.
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: DAY_SECONDS, count: 100_000 },
  removeOnFail: { age: 7 * DAY_SECONDS, count: 100_000 },
};

export interface HeraldQueues {
  alerts: Queue<AlertJobData>;
  deliveries: Queue<DeliveryJobData>;
  close(): Promise<void>;
}

export function createHeraldQueues(connection: Redis, prefix: string): HeraldQueues {
  const alerts = new Queue<AlertJobData>(QUEUE_NAMES.alerts, {
    connection,
    prefix,
    defaultJobOptions: ALERT_JOB_OPTIONS,
  });
  const deliveries = new Queue<DeliveryJobData>(QUEUE_NAMES.deliveries, {
    connection,
    prefix,
    defaultJobOptions: DELIVERY_JOB_OPTIONS,
  });
  // Queue errors surface on the calls that caused them; the event would otherwise be unhandled.
  alerts.on('error', () => undefined);
  deliveries.on('error', () => undefined);
  return {
    alerts,
    deliveries,
    async close() {
      await Promise.all([alerts.close(), deliveries.close()]);
    },
  };
}
