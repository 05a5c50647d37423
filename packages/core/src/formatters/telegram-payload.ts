import type { AlertView } from '../alerts/alert-types';
import { telegramHtmlPieces } from './escape/telegram-html';
import { SEVERITY_MARKER } from './severity-style';
import { joinWithinLength } from './truncate';

/** Telegram's limit on a message's text (counted here on the escaped text, so always within). */
export const TELEGRAM_TEXT_LIMIT = 4096;
const TITLE_LIMIT = 256;

export interface TelegramPayload {
  text: string;
  parse_mode: 'HTML';
  link_preview_options: { is_disabled: true };
}

export function telegramMessage(text: string): TelegramPayload {
  return { text, parse_mode: 'HTML', link_preview_options: { is_disabled: true } };
}

/** `<marker> <b>title</b>\nmessage`, HTML-escaped, the message giving way first to the 4096 limit. */
export function formatTelegramPayload(alert: AlertView): TelegramPayload {
  const head = `${SEVERITY_MARKER[alert.severity]} <b>${joinWithinLength(telegramHtmlPieces(alert.title), TITLE_LIMIT)}</b>\n`;
  return telegramMessage(head + joinWithinLength(telegramHtmlPieces(alert.message), TELEGRAM_TEXT_LIMIT - head.length));
}
