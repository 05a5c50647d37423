import type { WebhookType } from '../alerts/alert-types';

const DISCORD_HOSTS = new Set([
  'discord.com',
  'discordapp.com',
  'ptb.discord.com',
  'ptb.discordapp.com',
  'canary.discord.com',
  'canary.discordapp.com',
]);
// Discord also serves webhooks under a versioned API path, /api/v10/webhooks/<id>/<token>.
const DISCORD_WEBHOOK_PATH = /^\/api(?:\/v\d+)?\/webhooks\//;
const SLACK_HOST = 'hooks.slack.com';

/** The webhook type a URL points at when the caller did not say: Discord, Slack, or generic JSON. */
export function inferWebhookType(url: string): WebhookType {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'generic';
  }
  const host = parsed.hostname.replace(/\.$/, '');
  if (DISCORD_HOSTS.has(host) && DISCORD_WEBHOOK_PATH.test(parsed.pathname)) return 'discord';
  if (host === SLACK_HOST) return 'slack';
  return 'generic';
}
