import { escapeTelegramHtml } from '../escape/telegram-html';
import { escapeWhatsAppText } from '../escape/whatsapp';
import { NTFY_PRIORITY, PUSHOVER_PRIORITY } from '../severity-style';
import { telegramMessage, TELEGRAM_TEXT_LIMIT, type TelegramPayload } from '../telegram-payload';
import { whatsAppTextMessage, WHATSAPP_TEXT_LIMIT, type WhatsAppTextPayload } from '../whatsapp-payload';
import type { NtfyPayload } from '../ntfy-payload';
import { NTFY_MESSAGE_BYTES } from '../ntfy-payload';
import { PUSHOVER_MESSAGE_LIMIT, PUSHOVER_TITLE_LIMIT, type PushoverPayload } from '../pushover-payload';
import { truncateText, utf8Length } from '../truncate';
import {
  ALL_QUIET_TEXT,
  digestHeadline,
  DIGEST_MAX_LISTED_ALERTS,
  localTimeOf,
  orderByImportance,
  printerLabel,
  SEVERITY_MARKER,
  severityBreakdown,
  worstSeverity,
  type DigestView,
} from './digest-view';
import { fitLines } from './text-fit';

const LISTED_TITLE_MAX = 200;

/** "🔴 23:14 <title> — <printer>", the user's text passed through `escape` and kept on one line. */
function alertLines(digest: DigestView, escape: (text: string) => string): string[] {
  const oneLine = (text: string) => escape(text.replace(/\s*[\r\n]+\s*/g, ' '));
  return orderByImportance(digest.alerts)
    .slice(0, DIGEST_MAX_LISTED_ALERTS)
    .map(
      (alert) =>
        `${SEVERITY_MARKER[alert.severity]} ${localTimeOf(alert, digest.timezone)} ${oneLine(truncateText(alert.title, LISTED_TITLE_MAX))} \u2014 ${oneLine(printerLabel(alert))}`,
    );
}

/** The digest's text after its headline: the severity counts, then the most important alerts, within `budget`. */
function digestBody(digest: DigestView, escape: (text: string) => string, budget: number, measure?: (text: string) => number): string {
  if (digest.alerts.length === 0) return ALL_QUIET_TEXT;
  const summary = `${severityBreakdown(digest.alerts)}\n\n`;
  const size = measure ?? ((text: string) => text.length);
  return summary + fitLines(alertLines(digest, escape), budget - size(summary), digest.alerts.length, measure);
}

export function formatTelegramDigest(digest: DigestView): TelegramPayload {
  const head = `<b>${escapeTelegramHtml(digestHeadline(digest))}</b>\n`;
  return telegramMessage(head + digestBody(digest, escapeTelegramHtml, TELEGRAM_TEXT_LIMIT - head.length));
}

export function formatWhatsAppDigest(digest: DigestView): WhatsAppTextPayload {
  const head = `*${escapeWhatsAppText(digestHeadline(digest))}*\n`;
  return whatsAppTextMessage(head + digestBody(digest, escapeWhatsAppText, WHATSAPP_TEXT_LIMIT - head.length));
}

export function formatNtfyDigest(digest: DigestView): NtfyPayload {
  const worst = worstSeverity(digest.alerts) ?? 'info';
  return {
    title: digestHeadline(digest),
    message: digestBody(digest, (text) => text, NTFY_MESSAGE_BYTES, utf8Length),
    priority: digest.alerts.length === 0 ? 2 : NTFY_PRIORITY[worst],
    tags: ['zzz', 'quiet_hours_digest'],
  };
}

export function formatPushoverDigest(digest: DigestView): PushoverPayload {
  return {
    title: truncateText(digestHeadline(digest), PUSHOVER_TITLE_LIMIT),
    message: digestBody(digest, (text) => text, PUSHOVER_MESSAGE_LIMIT),
    priority: PUSHOVER_PRIORITY[worstSeverity(digest.alerts) ?? 'info'],
    timestamp: Math.floor(digest.windowEndMs / 1000),
  };
}
