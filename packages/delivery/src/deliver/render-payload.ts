import { addressChannelBody, formatAlertPayload, toAlertView, type AlertRecord, type ChannelTarget, type WebhookType } from '@herald/core';

type DeliveryWithAlert = {
  kind: 'alert' | 'digest' | 'notice';
  payload: unknown;
  alert: AlertRecord | null;
};

/**
 * The JSON body sent. Alerts are rendered from their row in the webhook's format; digests and
 * notices carry a rendered payload. The channel's address (chat, topic, keys, recipient) is added
 * here, at send time, so it is never stored with a delivery.
 */
export function renderDeliveryBody(delivery: DeliveryWithAlert, webhookType: WebhookType, target?: ChannelTarget): string | null {
  let content: unknown;
  if (delivery.kind === 'alert') {
    if (!delivery.alert) return null;
    content = formatAlertPayload(webhookType, toAlertView(delivery.alert));
  } else {
    if (delivery.payload === null || delivery.payload === undefined) return null;
    content = delivery.payload;
  }
  const addressed = target && typeof content === 'object' && content !== null ? addressChannelBody(target, content) : content;
  return JSON.stringify(addressed);
}
