import type { AlertView } from '../alerts/alert-types';
import { PUSHOVER_PRIORITY } from './severity-style';
import { truncateText } from './truncate';

export const PUSHOVER_TITLE_LIMIT = 250;
export const PUSHOVER_MESSAGE_LIMIT = 1024;

/** Pushover's message body without token and user (added from the webhook's URL when sending). Plain text (html is off). */
export interface PushoverPayload {
  title: string;
  message: string;
  priority: -1 | 0 | 1;
  /** Epoch seconds of the event. */
  timestamp: number;
}

export function formatPushoverPayload(alert: AlertView): PushoverPayload {
  return {
    title: truncateText(alert.title, PUSHOVER_TITLE_LIMIT),
    // Pushover rejects an empty message.
    message: truncateText(alert.message, PUSHOVER_MESSAGE_LIMIT) || alert.title.slice(0, PUSHOVER_MESSAGE_LIMIT) || '-',
    priority: PUSHOVER_PRIORITY[alert.severity],
    timestamp: Math.floor(alert.occurredAtMs / 1000),
  };
}
