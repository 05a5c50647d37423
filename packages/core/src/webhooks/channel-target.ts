import type { WebhookType } from '../alerts/alert-types';

/**
 * Where and how a webhook's requests go, read from the URL the user pasted. The request always
 * goes to the pasted origin (a local Telegram Bot API server, a self-hosted ntfy, a test receiver);
 * only the shape of the URL is checked. Parts of the URL that address the message (chat, topic,
 * app and user keys, recipient) move from the query into the JSON body, and a WhatsApp access
 * token into an Authorization header, so none of them travels in a request line.
 */
export interface ChannelTarget {
  /** The URL the request is POSTed to. */
  requestUrl: string;
  /** Fields put first in the JSON body (e.g. Telegram's chat_id). */
  address: Record<string, string | number>;
  /** Headers the channel needs (WhatsApp's bearer token). */
  headers: Record<string, string>;
  /** Per-chat pacing hints: a Telegram group chat is paced more slowly than a private chat. */
  groupChat?: boolean;
  /** A WhatsApp message template to send instead of free text. */
  whatsAppTemplate?: { name: string; language: string };
}

export type ChannelTargetResult = { ok: true; target: ChannelTarget } | { ok: false; message: string };

const TELEGRAM_PATH = /^(.*)\/bot(\d+:[A-Za-z0-9_-]+)\/sendMessage\/?$/;
const TELEGRAM_CHAT_ID = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;
const NTFY_TOPIC = /^[-_A-Za-z0-9]{1,64}$/;
const PUSHOVER_PATH = /\/1\/messages\.json$/;
const PUSHOVER_KEY = /^[A-Za-z0-9]{30}$/;
const WHATSAPP_PATH = /^(.*)\/v\d+\.\d+\/(\d{1,32})\/messages\/?$/;
const WHATSAPP_RECIPIENT = /^\+?\d{5,20}$/;
const WHATSAPP_TEMPLATE = /^[a-z0-9_]{1,512}$/;
const WHATSAPP_LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const RETIRED_TEAMS_HOSTS = /(^|\.)webhook\.office\.com$|(^|\.)outlook\.office(365)?\.com$/;

function withoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function ok(target: Partial<ChannelTarget> & { requestUrl: string }): ChannelTargetResult {
  return { ok: true, target: { address: {}, headers: {}, ...target } };
}

function fail(message: string): ChannelTargetResult {
  return { ok: false, message };
}

function telegramTarget(url: URL): ChannelTargetResult {
  if (!TELEGRAM_PATH.test(url.pathname))
    return fail('a Telegram URL ends in /bot<token>/sendMessage, e.g. https://api.telegram.org/bot123:ABC/sendMessage?chat_id=42');
  const chatId = url.searchParams.get('chat_id');
  if (chatId === null || !TELEGRAM_CHAT_ID.test(chatId))
    return fail('a Telegram URL needs ?chat_id= (a number such as -1001234567890 or @channelname)');
  const threadId = url.searchParams.get('message_thread_id');
  if (threadId !== null && !/^\d{1,20}$/.test(threadId)) return fail('message_thread_id must be a number');
  const numericChat = /^-?\d+$/.test(chatId);
  return ok({
    requestUrl: withoutQuery(url),
    address: {
      chat_id: numericChat && Number.isSafeInteger(Number(chatId)) ? Number(chatId) : chatId,
      ...(threadId !== null ? { message_thread_id: Number(threadId) } : {}),
    },
    groupChat: chatId.startsWith('-') || chatId.startsWith('@'),
  });
}

function ntfyTarget(url: URL): ChannelTargetResult {
  const segments = url.pathname.split('/');
  const topic = segments.pop() ?? '';
  if (!NTFY_TOPIC.test(topic))
    return fail('an ntfy URL is the topic URL, e.g. https://ntfy.sh/my-printers (topic: letters, digits, - and _, at most 64)');
  if (url.search !== '')
    return fail('an ntfy topic URL has no query; put an access token in the webhook headers (Authorization: Bearer tk_…)');
  // JSON publishing goes to the server's root (a self-hosted server may sit under a path prefix).
  return ok({ requestUrl: `${url.origin}${segments.join('/')}/`, address: { topic } });
}

function pushoverTarget(url: URL): ChannelTargetResult {
  if (!PUSHOVER_PATH.test(url.pathname))
    return fail('a Pushover URL is https://api.pushover.net/1/messages.json?token=<app token>&user=<user key>');
  const token = url.searchParams.get('token');
  const user = url.searchParams.get('user');
  if (token === null || !PUSHOVER_KEY.test(token)) return fail('a Pushover URL needs ?token= (the 30-character application token)');
  if (user === null || !PUSHOVER_KEY.test(user)) return fail('a Pushover URL needs &user= (the 30-character user or group key)');
  return ok({ requestUrl: withoutQuery(url), address: { token, user } });
}

function whatsAppTarget(url: URL): ChannelTargetResult {
  if (!WHATSAPP_PATH.test(url.pathname))
    return fail('a WhatsApp URL is https://graph.facebook.com/v<version>/<phone number id>/messages?to=<recipient>&access_token=<token>');
  // A pasted "+49…" arrives as " 49…" (a query's + is a space).
  const to = url.searchParams.get('to')?.trim().replace(/^\+/, '') ?? null;
  const token = url.searchParams.get('access_token');
  const template = url.searchParams.get('template');
  const language = url.searchParams.get('language') ?? 'en_US';
  if (to === null || !WHATSAPP_RECIPIENT.test(to))
    return fail('a WhatsApp URL needs ?to= (the recipient phone number with country code, digits only)');
  if (token === null || !/^[A-Za-z0-9_.-]{16,1024}$/.test(token))
    return fail('a WhatsApp URL needs &access_token= (a system user access token)');
  if (template !== null && !WHATSAPP_TEMPLATE.test(template))
    return fail('template is the approved template name: lower-case letters, digits and _');
  if (!WHATSAPP_LANGUAGE.test(language)) return fail('language is the template language code, e.g. en_US');
  return ok({
    requestUrl: withoutQuery(url),
    address: { to },
    headers: { authorization: `Bearer ${token}` },
    ...(template !== null ? { whatsAppTemplate: { name: template, language } } : {}),
  });
}

/** The channel target of a webhook URL of `type`, or why the URL does not fit the type (a message naming no secret). */
export function parseChannelTarget(type: WebhookType, rawUrl: string): ChannelTargetResult {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return fail('not a valid URL');
  }
  switch (type) {
    case 'telegram':
      return telegramTarget(url);
    case 'ntfy':
      return ntfyTarget(url);
    case 'pushover':
      return pushoverTarget(url);
    case 'whatsapp':
      return whatsAppTarget(url);
    case 'teams':
      if (RETIRED_TEAMS_HOSTS.test(url.hostname)) {
        return fail(
          'Office 365 connector URLs are retired: create a "Post to a channel when a webhook request is received" workflow and paste its URL',
        );
      }
      return ok({ requestUrl: url.toString() });
    case 'discord':
    case 'slack':
    case 'generic':
      return ok({ requestUrl: url.toString() });
  }
}

/** The target of a saved webhook: its URL was checked when saved; one that no longer fits is sent to as pasted. */
export function resolveChannelTarget(type: WebhookType, url: string): ChannelTarget {
  const result = parseChannelTarget(type, url);
  return result.ok ? result.target : { requestUrl: url, address: {}, headers: {} };
}
