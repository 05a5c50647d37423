import type { WebhookType } from '../alerts/alert-types';

export interface RateLimit {
  limit: number;
  intervalMs: number;
  burst?: number;
}

/**
 * Each service's pace when the webhook sets none. Discord: 5 per 2 s per webhook. Slack: about 1
 * per second, short bursts tolerated. Telegram: 1 per second per chat, 20 per minute in a group or
 * channel. ntfy.sh: its default visitor limit (burst 60, then one per 5 s); a self-hosted ntfy sets
 * its own. Teams workflows: about 4 per second per flow, kept to 1 per second with bursts of 4.
 * Pushover: 1 per second, bursts of 5. WhatsApp: one message per 6 s to the same recipient, bursts
 * of 10. Generic endpoints: no pacing, only the in-flight cap.
 */
export function defaultRateLimit(type: WebhookType, url: string, options: { groupChat?: boolean } = {}): RateLimit | null {
  switch (type) {
    case 'discord':
      return { limit: 5, intervalMs: 2_000 };
    case 'slack':
      return { limit: 1, intervalMs: 1_000, burst: 3 };
    case 'telegram':
      return options.groupChat ? { limit: 20, intervalMs: 60_000 } : { limit: 1, intervalMs: 1_000 };
    case 'ntfy':
      return hostOf(url) === 'ntfy.sh' ? { limit: 1, intervalMs: 5_000, burst: 60 } : null;
    case 'teams':
      return { limit: 1, intervalMs: 1_000, burst: 4 };
    case 'pushover':
      return { limit: 1, intervalMs: 1_000, burst: 5 };
    case 'whatsapp':
      return { limit: 1, intervalMs: 6_000, burst: 10 };
    case 'generic':
      return null;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/\.$/, '').toLowerCase();
  } catch {
    return '';
  }
}
