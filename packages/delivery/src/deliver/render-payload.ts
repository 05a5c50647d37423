import { formatAlertPayload, toAlertView, type AlertRecord, type WebhookType } from '@herald/core';

type DeliveryWithAlert = {
  kind: 'alert' | 'digest' | 'notice';
  payload: unknown;
  alert: AlertRecord | null;
};

/** Alerts are rendered from their row in the webhook's format; digests and notices carry a rendered payload. */
export function renderDeliveryBody(delivery: DeliveryWithAlert, webhookType: WebhookType): string | null {
  if (delivery.kind === 'alert') {
    return delivery.alert ? JSON.stringify(formatAlertPayload(webhookType, toAlertView(delivery.alert))) : null;
  }
  return delivery.payload === null || delivery.payload === undefined ? null : JSON.stringify(delivery.payload);
}
