export { DIGEST_MAX_LISTED_ALERTS, digestHeadline, orderByImportance, type DigestView } from './digest-view';
export { formatGenericDigest, type GenericDigestAlert, type GenericDigestPayload } from './generic';
export { formatDiscordDigest, type DiscordDigestEmbed, type DiscordDigestPayload, type DiscordEmbedField } from './discord';
export { formatSlackDigest, type SlackDigestBlock, type SlackDigestPayload } from './slack';
export { formatDigestPayload, type DigestPayload, type DigestPayloadByWebhookType } from './format-digest-payload';
export { formatTeamsDigest } from './teams';
export { formatNtfyDigest, formatPushoverDigest, formatTelegramDigest, formatWhatsAppDigest } from './text-digests';
