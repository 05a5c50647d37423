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
// The path shapes (with their query) are the services' own, so they are recognised on any host: a
// local Telegram Bot API server, a proxy. A self-hosted ntfy is not: its topic URL has no tell-tale
// shape, so it is given `type: "ntfy"` explicitly.
const TELEGRAM_PATH = /\/bot\d+:[A-Za-z0-9_-]+\/sendMessage\/?$/;
const WHATSAPP_PATH = /\/v\d+\.\d+\/\d+\/messages\/?$/;
const PUSHOVER_PATH = /\/1\/messages\.json$/;
// Power Automate "Workflows" webhooks: *.logic.azure.com/workflows/… and *.api.powerplatform.com/…/workflows/….
const POWER_AUTOMATE_HOST = /(^|\.)(logic\.azure\.com|api\.powerplatform\.com)$/;

/** The webhook type a URL points at when the caller did not say; generic JSON when no service is recognised. */
export function inferWebhookType(url: string): WebhookType {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'generic';
  }
  const host = parsed.hostname.replace(/\.$/, '').toLowerCase();
  if (DISCORD_HOSTS.has(host) && DISCORD_WEBHOOK_PATH.test(parsed.pathname)) return 'discord';
  if (host === SLACK_HOST) return 'slack';
  if (host === 'api.telegram.org' || TELEGRAM_PATH.test(parsed.pathname)) return 'telegram';
  if (host === 'ntfy.sh') return 'ntfy';
  const query = parsed.searchParams;
  if (host === 'api.pushover.net' || (PUSHOVER_PATH.test(parsed.pathname) && query.has('token') && query.has('user'))) return 'pushover';
  if (WHATSAPP_PATH.test(parsed.pathname) && (host === 'graph.facebook.com' || (query.has('access_token') && query.has('to'))))
    return 'whatsapp';
  if (POWER_AUTOMATE_HOST.test(host) && /\/workflows\//.test(parsed.pathname)) return 'teams';
  return 'generic';
}
