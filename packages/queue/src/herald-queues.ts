import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from './queue-names';
import type { AlertJobData, DeliveryJobData, FirstAttemptsJobData } from './job-contracts';

const DAY_SECONDS = 86_400;

/**
 * The database is the record of every alert, delivery and attempt; Redis keeps a finished job only
 * for the dashboard's recent view. Job-id deduplication does not need them: nothing re-adds the job
 * of a settled alert or a closed delivery (the sweeper and the fan-out read the database first, and
 * a delivery job that finds its delivery closed does nothing). Completed jobs: the last hour, at most
 * 1,000 per queue (about 0.5 MB); failed ones a week, at most 5,000, for inspection. So a 128 MB
 * Redis carries a busy farm's day: what it holds is the work not yet done, not the work done.
 * Set on the workers rather than on each job, which keeps every job small in Redis.
 */
export const FINISHED_JOB_RETENTION = {
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 7 * DAY_SECONDS, count: 5_000 },
} as const;

/** The custom backoff every Herald job uses: BullMQ calls the workers' `backoffStrategy` for it. */
export const JOB_BACKOFF_TYPE = 'herald';
export const DEFAULT_JOB_BACKOFF_MS = 1_000;
const BACKOFF_CAP_MS = 5 * 60_000;

/**
 * Delay before a job that failed on an error of Herald's own runs again: base, 2 × base, 4 × base
 * ... (1 s, 2 s, 4 s by default) capped at 5 minutes, with ±25 % jitter so jobs that failed
 * together do not come back together.
 */
export function jobBackoffMs(attemptsMade: number, baseMs = DEFAULT_JOB_BACKOFF_MS, random: () => number = Math.random): number {
  const exponential = Math.min(BACKOFF_CAP_MS, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exponential * (0.75 + random() * 0.5));
}

/** Worker settings giving every Herald job `jobBackoffMs`. */
export function workerBackoffSettings(baseMs = DEFAULT_JOB_BACKOFF_MS): { backoffStrategy: (attemptsMade: number) => number } {
  return { backoffStrategy: (attemptsMade) => jobBackoffMs(attemptsMade, baseMs) };
}

// Attempts only cover Herald's own failures: an unreachable or overloaded database parks the job
// without using one, and endpoint retries are Herald's own (retry schedule, Retry-After as delayed
// jobs, which BullMQ does not count as attempts). The backoff names the workers' strategy (a short
// type, so each job's options stay small in Redis); the sweeper revives what a failed job left open.
export const ALERT_JOB_OPTIONS: JobsOptions = { attempts: 20, backoff: { type: JOB_BACKOFF_TYPE } };
export const DELIVERY_JOB_OPTIONS: JobsOptions = { attempts: 8, backoff: { type: JOB_BACKOFF_TYPE } };

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
