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
