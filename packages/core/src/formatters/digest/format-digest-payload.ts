import type { WebhookType } from '../../alerts/alert-types';
import type { NtfyPayload } from '../ntfy-payload';
import type { PushoverPayload } from '../pushover-payload';
import type { TeamsPayload } from '../teams-payload';
import type { TelegramPayload } from '../telegram-payload';
import type { WhatsAppTextPayload } from '../whatsapp-payload';
import type { DigestView } from './digest-view';
import { formatDiscordDigest, type DiscordDigestPayload } from './discord';
import { formatGenericDigest, type GenericDigestPayload } from './generic';
import { formatSlackDigest, type SlackDigestPayload } from './slack';
import { formatTeamsDigest } from './teams';
import { formatNtfyDigest, formatPushoverDigest, formatTelegramDigest, formatWhatsAppDigest } from './text-digests';

export interface DigestPayloadByWebhookType {
  discord: DiscordDigestPayload;
  slack: SlackDigestPayload;
  generic: GenericDigestPayload;
  telegram: TelegramPayload;
  ntfy: NtfyPayload;
  teams: TeamsPayload;
  pushover: PushoverPayload;
  whatsapp: WhatsAppTextPayload;
}

export type DigestPayload = DigestPayloadByWebhookType[WebhookType];

/** The JSON body of a quiet-hours digest for one webhook of the given type (its address is added when sending). */
export function formatDigestPayload<T extends WebhookType>(webhookType: T, digest: DigestView): DigestPayloadByWebhookType[T];
export function formatDigestPayload(webhookType: WebhookType, digest: DigestView): DigestPayload {
  switch (webhookType) {
    case 'discord':
      return formatDiscordDigest(digest);
    case 'slack':
      return formatSlackDigest(digest);
    case 'generic':
      return formatGenericDigest(digest);
    case 'telegram':
      return formatTelegramDigest(digest);
    case 'ntfy':
      return formatNtfyDigest(digest);
    case 'teams':
      return formatTeamsDigest(digest);
    case 'pushover':
      return formatPushoverDigest(digest);
    case 'whatsapp':
      return formatWhatsAppDigest(digest);
  }
}
