import { DISCORD_COLOR_BY_SEVERITY } from '../../alerts/alert-types';
import {
  ALL_QUIET_TEXT,
  alertTypeLabel,
  countByType,
  digestHeadline,
  DIGEST_MAX_LISTED_ALERTS,
  localTimeOf,
  orderByImportance,
  printerLabel,
  SEVERITY_MARKER,
  worstSeverity,
  type DigestView,
} from './digest-view';
import { escapeDiscordMarkdown } from './escape';
import { truncateText } from '../truncate';
import { fitLines } from './text-fit';

// Discord's embed limits, counted here in UTF-16 units (never fewer than Discord's characters).
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 4096;
const FIELDS_MAX = 25;
const EMBED_TOTAL_MAX = 6000;
const LISTED_TITLE_MAX = 200;
const FOOTER_TEXT = 'O.D.I.N. Alert';

export interface DiscordEmbedField {
  name: string;
  value: string;
  inline: boolean;
}

export interface DiscordDigestEmbed {
  title: string;
  description: string;
  color: number;
  fields: DiscordEmbedField[];
  footer: { text: string };
  timestamp: string;
}

export interface DiscordDigestPayload {
  embeds: [DiscordDigestEmbed];
  allowed_mentions: { parse: [] };
}

function alertLine(alert: DigestView['alerts'][number], timezone: string): string {
  const title = escapeDiscordMarkdown(truncateText(alert.title, LISTED_TITLE_MAX));
  const printer = escapeDiscordMarkdown(printerLabel(alert));
  return `${SEVERITY_MARKER[alert.severity]} ${localTimeOf(alert, timezone)} **${title}** \u2014 ${printer}`;
}

/** One embed: counts per alert type as fields, the most important alerts in the description. */
export function formatDiscordDigest(digest: DigestView): DiscordDigestPayload {
  const title = truncateText(digestHeadline(digest), TITLE_MAX);
  const fields = countByType(digest.alerts)
    .slice(0, FIELDS_MAX)
    .map(([type, count]) => ({ name: alertTypeLabel(type), value: String(count), inline: true }));
  const fixedLength = title.length + FOOTER_TEXT.length + fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  const descriptionBudget = Math.min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - fixedLength);

  const ordered = orderByImportance(digest.alerts);
  const description =
    ordered.length === 0
      ? ALL_QUIET_TEXT
      : fitLines(
          ordered.slice(0, DIGEST_MAX_LISTED_ALERTS).map((alert) => alertLine(alert, digest.timezone)),
          descriptionBudget,
          ordered.length,
        );

  return {
    embeds: [
      {
        title,
        description,
        color: DISCORD_COLOR_BY_SEVERITY[worstSeverity(digest.alerts) ?? 'info'],
        fields,
        footer: { text: FOOTER_TEXT },
        timestamp: new Date(digest.windowEndMs).toISOString(),
      },
    ],
    allowed_mentions: { parse: [] },
  };
}
