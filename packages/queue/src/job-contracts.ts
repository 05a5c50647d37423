/** Fan-out job: the job id is the alert id, so re-enqueueing a saved alert never doubles it. */
export interface AlertJobData {
  alertId: string;
}

export type DeliveryJobKind = 'alert' | 'digest' | 'notice';

/** Delivery job: the job id is the delivery id (one per alert and webhook). */
export interface DeliveryJobData {
  deliveryId: string;
  webhookId: string;
  kind: DeliveryJobKind;
}

export function alertJobId(alertId: string): string {
  return alertId;
}

export function deliveryJobId(deliveryId: string): string {
  return deliveryId;
}

/**
 * The job that sends one delivery: named once here so every producer (fan-out, digest, notices,
 * sweeper, admin retry) enqueues the same shape under the delivery id.
 */
export function deliveryJob(delivery: { id: string; webhookId: string; kind: DeliveryJobKind }, delayMs = 0) {
  return {
    name: 'deliver',
    data: { deliveryId: delivery.id, webhookId: delivery.webhookId, kind: delivery.kind } satisfies DeliveryJobData,
    opts: { jobId: deliveryJobId(delivery.id), ...(delayMs > 0 ? { delay: delayMs } : {}) },
  };
}
