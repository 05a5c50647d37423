import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from './queue-names';
import type { AlertJobData, DeliveryJobData, FirstAttemptsJobData } from './job-contracts';

const DAY_SECONDS = 86_400;

/**
 * The database is the record; Redis keeps finished jobs only long enough for job-id
 * deduplication to hold while re-enqueues can still happen (a day), and failed ones a week
 * for inspection on the dashboard. Both are bounded in count too, so a storm cannot fill Redis.
 * Set on the workers rather than on each job, which keeps every job small in Redis.
 */
export const FINISHED_JOB_RETENTION = {
  removeOnComplete: { age: DAY_SECONDS, count: 100_000 },
  removeOnFail: { age: 7 * DAY_SECONDS, count: 100_000 },
} as const;

// Attempts only cover Herald's own failures: an unreachable database parks the job without using
// one, and endpoint retries are Herald's own (retry schedule, Retry-After as delayed jobs, which
// BullMQ does not count as attempts). No backoff: it would make each job's options too large to
// be stored compactly, and the sweeper re-enqueues what a failed job left open.
export const ALERT_JOB_OPTIONS: JobsOptions = { attempts: 20 };
export const DELIVERY_JOB_OPTIONS: JobsOptions = { attempts: 8 };

export interface HeraldQueues {
  alerts: Queue<AlertJobData>;
  deliveries: Queue<DeliveryJobData | FirstAttemptsJobData>;
  close(): Promise<void>;
}

export function createHeraldQueues(connection: Redis, prefix: string): HeraldQueues {
  const alerts = new Queue<AlertJobData>(QUEUE_NAMES.alerts, {
    connection,
    prefix,
    defaultJobOptions: ALERT_JOB_OPTIONS,
  });
  const deliveries = new Queue<DeliveryJobData | FirstAttemptsJobData>(QUEUE_NAMES.deliveries, {
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
