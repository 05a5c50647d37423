/**
 * What a chat service paces by, so the pacing key is the service's own identity of the webhook
 * rather than the exact URL string (a query parameter, a trailing slash, `discordapp.com` for
 * `discord.com` or the `/slack` suffix must not make one webhook look like several):
 * Discord the webhook id, Slack the /services/T…/B…/… path, Telegram bot and chat.
 * Anything else is paced by its URL without the fragment. The result is hashed before it is used
 * as a key, so it may contain the secret token.
 */
export function pacingIdentity(type: string, rawUrl: string): string {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return `url:${rawUrl}`;
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (type === 'discord') {
    const id = /\/api(?:\/v\d+)?\/webhooks\/(\d+)\//.exec(`${path}/`)?.[1];
    if (id) return `discord:${id}`;
  }
  if (type === 'slack') {
    const services = /^\/services\/[^/]+\/[^/]+\/[^/]+/.exec(path)?.[0];
    if (services) return `slack:${services}`;
  }
  if (type === 'telegram') {
    const bot = /\/bot([^/]+)\//.exec(`${path}/`)?.[1];
    if (bot) return `telegram:${bot}:${url.searchParams.get('chat_id') ?? ''}`;
  }
  url.hash = '';
  return `url:${url.toString()}`;
}
