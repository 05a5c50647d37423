import type { AlertView, WebhookType } from '../alerts/alert-types';
import { type DiscordPayload, formatDiscordPayload } from './discord-payload';
import { formatGenericPayload, type GenericPayload } from './generic-payload';
import { formatSlackPayload, type SlackPayload } from './slack-payload';

export interface AlertPayloadByWebhookType {
  discord: DiscordPayload;
  slack: SlackPayload;
  generic: GenericPayload;
}

export type AlertPayload = AlertPayloadByWebhookType[WebhookType];

/** The body an alert is sent with to a webhook of `webhookType`. */
export function formatAlertPayload<T extends WebhookType>(webhookType: T, alert: AlertView): AlertPayloadByWebhookType[T];
export function formatAlertPayload(webhookType: WebhookType, alert: AlertView): AlertPayload {
  switch (webhookType) {
    case 'discord':
      return formatDiscordPayload(alert);
    case 'slack':
      return formatSlackPayload(alert);
    case 'generic':
      return formatGenericPayload(alert);
  }
}

/** The exact bytes that are sent (and signed, for generic webhooks). */
export function serializePayload(payload: AlertPayload): string {
  return JSON.stringify(payload);
}
