import type { AlertView } from '../alerts/alert-types';
import { NTFY_PRIORITY, NTFY_SEVERITY_TAG } from './severity-style';
import { joinWithinMeasure, truncateText, utf8Length } from './truncate';

/** ntfy's message size limit, in bytes. */
export const NTFY_MESSAGE_BYTES = 4096;
const TITLE_LIMIT = 250;

/** ntfy's JSON publish body without the topic (added from the webhook's URL when sending). Plain text: ntfy renders no markup by default. */
export interface NtfyPayload {
  title: string;
  message: string;
  priority: 1 | 2 | 3 | 4 | 5;
  tags: string[];
}

export function formatNtfyPayload(alert: AlertView): NtfyPayload {
  return {
    title: truncateText(alert.title, TITLE_LIMIT),
    message: joinWithinMeasure(Array.from(alert.message), NTFY_MESSAGE_BYTES, utf8Length),
    priority: NTFY_PRIORITY[alert.severity],
    tags: [NTFY_SEVERITY_TAG[alert.severity], alert.type],
  };
}
