import type { WebhookType } from '../../alerts/alert-types';
import type { DigestView } from './digest-view';
import { formatDiscordDigest, type DiscordDigestPayload } from './discord';
import { formatGenericDigest, type GenericDigestPayload } from './generic';
import { formatSlackDigest, type SlackDigestPayload } from './slack';

export interface DigestPayloadByWebhookType {
  discord: DiscordDigestPayload;
  slack: SlackDigestPayload;
  generic: GenericDigestPayload;
}

export type DigestPayload = DigestPayloadByWebhookType[WebhookType];

/** The JSON body of a quiet-hours digest for one webhook of the given type. */
export function formatDigestPayload<T extends WebhookType>(webhookType: T, digest: DigestView): DigestPayloadByWebhookType[T];
export function formatDigestPayload(webhookType: WebhookType, digest: DigestView): DigestPayload {
  switch (webhookType) {
    case 'discord':
      return formatDiscordDigest(digest);
    case 'slack':
      return formatSlackDigest(digest);
    case 'generic':
      return formatGenericDigest(digest);
  }
}
