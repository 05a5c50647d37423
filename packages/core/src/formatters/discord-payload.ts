import { type AlertView, DISCORD_COLOR_BY_SEVERITY } from '../alerts/alert-types';
import { escapeDiscordText } from './escape/discord';
import { joinWithinLength } from './truncate';

export const DISCORD_TITLE_LIMIT = 256;
export const DISCORD_DESCRIPTION_LIMIT = 4096;
/** Discord's cap on the characters of all embeds of one message together. */
export const DISCORD_EMBED_TOTAL_LIMIT = 6000;
export const DISCORD_FOOTER_TEXT = 'O.D.I.N. Alert';

export interface DiscordEmbed {
  title: string;
  /** Left out for an empty message: Discord refuses an empty description. */
  description?: string;
  color: number;
  footer: { text: string };
  /** ISO 8601, UTC. */
  timestamp: string;
}

export interface DiscordPayload {
  embeds: [DiscordEmbed];
  /** Nothing in an alert may ping anyone. */
  allowed_mentions: { parse: [] };
}

/** Escaped text cut to `maxLength`, never leaving a dangling backslash at the cut. */
function escapedWithin(text: string, maxLength: number): string {
  return joinWithinLength(
    Array.from(text, (char) => escapeDiscordText(char)),
    maxLength,
  );
}

/**
 * The O.D.I.N. Discord embed, text escaped by escape/discord.ts (no masked link, mention or spoiler). Limits are counted in UTF-16 units, which is at least the code point
 * count, so the cut text is within Discord's limits either way. Title (256) + description (4096) +
 * footer stay well inside the 6000-character total, so the two per-field cuts are all it takes.
 */
export function formatDiscordPayload(alert: AlertView): DiscordPayload {
  const description = escapedWithin(alert.message, DISCORD_DESCRIPTION_LIMIT);
  return {
    embeds: [
      {
        title: escapedWithin(alert.title, DISCORD_TITLE_LIMIT),
        ...(description === '' ? {} : { description }),
        color: DISCORD_COLOR_BY_SEVERITY[alert.severity],
        footer: { text: DISCORD_FOOTER_TEXT },
        timestamp: new Date(alert.occurredAtMs).toISOString(),
      },
    ],
    allowed_mentions: { parse: [] },
  };
}
