import { spanMarkupPieces } from './span-markup';

// WhatsApp formats *bold*, _italic_, ~strike~, `code` and ```mono``` and quotes lines starting with
// `>`; it has no escape character and no markup links (URLs are shown as written). Same rule as
// Slack's, without entities: WhatsApp text is not HTML-like.
const WHATSAPP = { spanChars: new Set(['*', '_', '~', '`']), entities: {} };

export function whatsAppTextPieces(text: string): string[] {
  return spanMarkupPieces(text, WHATSAPP);
}

export function escapeWhatsAppText(text: string): string {
  return whatsAppTextPieces(text).join('');
}
