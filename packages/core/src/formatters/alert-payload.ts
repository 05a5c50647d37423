import type { AlertView, WebhookType } from '../alerts/alert-types';
import { type DiscordPayload, formatDiscordPayload } from './discord-payload';
import { formatGenericPayload, type GenericPayload } from './generic-payload';
import { formatNtfyPayload, type NtfyPayload } from './ntfy-payload';
import { formatPushoverPayload, type PushoverPayload } from './pushover-payload';
import { formatSlackPayload, type SlackPayload } from './slack-payload';
import { formatTeamsPayload, type TeamsPayload } from './teams-payload';
import { formatTelegramPayload, type TelegramPayload } from './telegram-payload';
import { formatWhatsAppPayload, type WhatsAppTextPayload } from './whatsapp-payload';

export interface AlertPayloadByWebhookType {
  discord: DiscordPayload;
  slack: SlackPayload;
  generic: GenericPayload;
  telegram: TelegramPayload;
  ntfy: NtfyPayload;
  teams: TeamsPayload;
  pushover: PushoverPayload;
  whatsapp: WhatsAppTextPayload;
}

export type AlertPayload = AlertPayloadByWebhookType[WebhookType];

/**
 * The body an alert is sent with to a webhook of `webhookType`. For the types addressed by their
 * URL (Telegram chat, ntfy topic, Pushover keys, WhatsApp recipient) this is the message only;
 * addressChannelBody adds the address when sending.
 */
export function formatAlertPayload<T extends WebhookType>(webhookType: T, alert: AlertView): AlertPayloadByWebhookType[T];
export function formatAlertPayload(webhookType: WebhookType, alert: AlertView): AlertPayload {
  switch (webhookType) {
    case 'discord':
      return formatDiscordPayload(alert);
    case 'slack':
      return formatSlackPayload(alert);
    case 'generic':
      return formatGenericPayload(alert);
    case 'telegram':
      return formatTelegramPayload(alert);
    case 'ntfy':
      return formatNtfyPayload(alert);
    case 'teams':
      return formatTeamsPayload(alert);
    case 'pushover':
      return formatPushoverPayload(alert);
    case 'whatsapp':
      return formatWhatsAppPayload(alert);
  }
}

/** The exact bytes that are sent (and signed, for generic webhooks). */
export function serializePayload(payload: AlertPayload): string {
  return JSON.stringify(payload);
}
