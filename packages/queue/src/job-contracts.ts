/** Fan-out job: the job id is the alert id, so re-enqueueing a saved alert never doubles it. */
export interface AlertJobData {
  alertId: string;
}

export type DeliveryJobKind = 'alert' | 'digest' | 'notice';

/**
 * Delivery job: the job id is the delivery id (one per alert and webhook) and the job name is its
 * kind. The data stays small on purpose (see `deliveryJob`).
 */
export interface DeliveryJobData {
  webhookId: string;
}

export function alertJobId(alertId: string): string {
  return alertId;
}

export function deliveryJobId(deliveryId: string): string {
  return deliveryId;
}

/** The delivery a delivery job sends: its job id. */
export function deliveryIdOfJob(job: { id?: string | undefined }): string {
  if (job.id === undefined) throw new Error('a delivery job always has the delivery id as its job id');
  return job.id;
}

/**
 * The job that sends one delivery: named once here so every producer (fan-out, digest, notices,
 * sweeper, admin retry) enqueues the same shape under the delivery id.
 *
 * Every field of the job stays under Redis's 64-byte listpack limit (no ids repeated in the data,
 * retention set on the worker rather than per job), so Redis keeps a waiting job in about a third
 * of the memory a job with larger fields takes.
 */
export function deliveryJob(delivery: { id: string; webhookId: string; kind: DeliveryJobKind }, delayMs = 0) {
  return {
    name: delivery.kind,
    data: { webhookId: delivery.webhookId } satisfies DeliveryJobData,
    opts: { jobId: deliveryJobId(delivery.id), ...(delayMs > 0 ? { delay: delayMs } : {}) },
  };
}

/**
 * The first attempts of one alert's deliveries, sent by one job: one job to add, fetch and finish
 * per alert instead of one per webhook. A delivery that has to wait (a retry, Retry-After, a rate
 * limit, a busy endpoint) goes on in a delivery job of its own (`deliveryJob`).
 */
export interface FirstAttemptsJobData {
  /** [delivery id, webhook id] pairs, for an alert with up to FIRST_ATTEMPTS_INLINE_MAX deliveries. */
  deliveries?: [string, string][];
  /** A wider alert: its job reads the deliveries from the database a page at a time. */
  alertId?: string;
}

export const FIRST_ATTEMPTS_JOB = 'first-attempts';

/**
 * Wider alerts' first-attempts jobs carry the alert id only: a 2,000-webhook alert's pairs would
 * take about 150 KB of Redis per job and as much of a worker's heap while it runs.
 */
export const FIRST_ATTEMPTS_INLINE_MAX = 100;

/** BullMQ refuses ':' in custom job ids. */
export function firstAttemptsJobId(alertId: string): string {
  return `first-${alertId}`;
}

export function firstAttemptsJob(alertId: string, deliveries: { id: string; webhookId: string }[]) {
  const data: FirstAttemptsJobData =
    deliveries.length > FIRST_ATTEMPTS_INLINE_MAX
      ? { alertId }
      : { deliveries: deliveries.map((delivery): [string, string] => [delivery.id, delivery.webhookId]) };
  return {
    name: FIRST_ATTEMPTS_JOB,
    data,
    // Before retries and waiting deliveries: a new alert's first attempts never queue behind a slow endpoint's.
    opts: { jobId: firstAttemptsJobId(alertId), priority: 1 },
  };
}

/** The job that routes one saved alert to its webhooks. */
export function fanOutJob(alertId: string) {
  return { name: 'fan-out', data: { alertId } satisfies AlertJobData, opts: { jobId: alertJobId(alertId) } };
}
