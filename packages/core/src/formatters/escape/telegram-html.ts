// Telegram's HTML parse mode: only <, > and & need escaping (as entities); nothing else formats.
const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** `text` as Telegram-HTML pieces, one per code point, so a cut never splits an entity. */
export function telegramHtmlPieces(text: string): string[] {
  return Array.from(text, (char) => ENTITY[char] ?? char);
}

export function escapeTelegramHtml(text: string): string {
  return telegramHtmlPieces(text).join('');
}
