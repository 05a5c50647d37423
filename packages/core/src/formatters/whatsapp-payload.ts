import type { AlertView } from '../alerts/alert-types';
import { whatsAppTextPieces } from './escape/whatsapp';
import { SEVERITY_MARKER } from './severity-style';
import { joinWithinLength } from './truncate';

export const WHATSAPP_TEXT_LIMIT = 4096;
const TITLE_LIMIT = 256;

/** A WhatsApp Cloud API text message without the recipient (added from the webhook's settings when sending). */
export interface WhatsAppTextPayload {
  messaging_product: 'whatsapp';
  type: 'text';
  text: { preview_url: false; body: string };
}

export function whatsAppTextMessage(body: string): WhatsAppTextPayload {
  return { messaging_product: 'whatsapp', type: 'text', text: { preview_url: false, body } };
}

/** One line for the title, so `*bold*` holds. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** `<marker> *title*\nmessage`, formatting characters kept inert (escape/whatsapp.ts). */
export function formatWhatsAppPayload(alert: AlertView): WhatsAppTextPayload {
  const head = `${SEVERITY_MARKER[alert.severity]} *${joinWithinLength(whatsAppTextPieces(oneLine(alert.title)), TITLE_LIMIT)}*\n`;
  return whatsAppTextMessage(head + joinWithinLength(whatsAppTextPieces(alert.message), WHATSAPP_TEXT_LIMIT - head.length));
}
