import type { WebhookType } from '../alerts/alert-types';
import { classifyResponse, type ResponseClass } from './classify-response';

export interface ChannelVerdict {
  verdict: ResponseClass;
  /** What the service said, for the attempt record (never a secret: services do not echo tokens). */
  detail?: string;
}

const MAX_DETAIL = 200;
// WhatsApp Cloud API error codes that a retry cannot cure, with what they mean for the user.
const WHATSAPP_PERMANENT: Readonly<Record<number, string>> = {
  131047: 'outside the 24-hour conversation window: configure an approved template',
  190: 'access token expired or invalid',
  131026: 'recipient cannot receive WhatsApp messages',
  131030: 'recipient is not on the allowed list of the test number',
  132000: 'template parameters do not match the template',
  132001: 'template does not exist in this language',
  133010: 'phone number is not registered',
};
// Throttling codes: wait and try again.
const WHATSAPP_THROTTLED = new Set([4, 80007, 130429, 131048, 131056, 613]);

function jsonBody(bodyText: string | undefined): Record<string, unknown> | null {
  if (!bodyText) return null;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_DETAIL ? flat : `${flat.slice(0, MAX_DETAIL - 1)}\u2026`;
}

function telegram(statusCode: number, body: Record<string, unknown> | null): ChannelVerdict {
  const description = typeof body?.['description'] === 'string' ? clip(body['description']) : undefined;
  const withDetail = (verdict: ResponseClass): ChannelVerdict => (description ? { verdict, detail: description } : { verdict });
  // 403: the bot was blocked, kicked or cannot write there; 401/404: the token was revoked. None comes back by retrying.
  if (statusCode === 401 || statusCode === 403 || statusCode === 404) return withDetail('gone');
  return withDetail(classifyResponse(statusCode) === 'gone' ? 'fail' : classifyResponse(statusCode));
}

function pushover(statusCode: number, body: Record<string, unknown> | null): ChannelVerdict {
  const errors = Array.isArray(body?.['errors']) ? (body['errors'] as unknown[]).filter((e): e is string => typeof e === 'string') : [];
  const detail = errors.length > 0 ? clip(errors.join('; ')) : undefined;
  const verdict = statusCode >= 400 && statusCode < 500 && statusCode !== 429 ? 'fail' : classifyResponse(statusCode);
  return detail ? { verdict, detail } : { verdict };
}

function whatsApp(statusCode: number, body: Record<string, unknown> | null): ChannelVerdict {
  const error = body?.['error'] as { code?: unknown; message?: unknown } | undefined;
  const code = typeof error?.code === 'number' ? error.code : undefined;
  if (code !== undefined && WHATSAPP_THROTTLED.has(code)) return { verdict: 'retry', detail: `WhatsApp error ${code}: rate limited` };
  const known = code !== undefined ? WHATSAPP_PERMANENT[code] : undefined;
  if (known) return { verdict: 'fail', detail: `WhatsApp error ${code}: ${known}` };
  const base = classifyResponse(statusCode);
  const verdict = base === 'gone' ? 'fail' : base;
  if (code === undefined) return { verdict };
  return { verdict, detail: clip(`WhatsApp error ${code}${typeof error?.message === 'string' ? `: ${error.message}` : ''}`) };
}

/**
 * What a service's answer means for a delivery, by webhook type. 'gone' disables the webhook: a
 * deleted Discord/Slack webhook or Teams workflow (404/410), a Telegram bot blocked or revoked
 * (401/403/404), a generic endpoint answering 410 Gone (Zapier's REST Hooks convention). A generic
 * 404 stays an ordinary failure: the endpoint may just be misconfigured for a moment.
 */
export function classifyChannelResponse(type: WebhookType, statusCode: number, bodyText?: string): ChannelVerdict {
  switch (type) {
    case 'telegram':
      return telegram(statusCode, jsonBody(bodyText));
    case 'pushover':
      return pushover(statusCode, jsonBody(bodyText));
    case 'whatsapp':
      return whatsApp(statusCode, jsonBody(bodyText));
    case 'generic':
      return { verdict: statusCode === 404 ? 'fail' : classifyResponse(statusCode) };
    case 'ntfy':
      return { verdict: statusCode === 410 ? 'gone' : classifyResponse(statusCode) === 'gone' ? 'fail' : classifyResponse(statusCode) };
    case 'discord':
    case 'slack':
    case 'teams':
      return { verdict: classifyResponse(statusCode) };
  }
}
