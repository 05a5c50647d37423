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
  severityBreakdown,
  type DigestView,
} from './digest-view';
import { escapeSlackEntities, escapeSlackLine } from './escape';
import { truncateText } from '../truncate';
import { fitLines } from './text-fit';

// Slack Block Kit limits.
const HEADER_MAX = 150;
const SECTION_FIELDS_MAX = 10;
const SECTION_TEXT_MAX = 3000;
const LISTED_TITLE_MAX = 200;

export type SlackDigestBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; fields: Array<{ type: 'mrkdwn'; text: string }> }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } };

export interface SlackDigestPayload {
  /** Notification and fallback text. */
  text: string;
  blocks: SlackDigestBlock[];
}

function countFields(digest: DigestView): Array<{ type: 'mrkdwn'; text: string }> {
  const counts = countByType(digest.alerts);
  const shown = counts.length > SECTION_FIELDS_MAX ? counts.slice(0, SECTION_FIELDS_MAX - 1) : counts;
  const fields = shown.map(([type, count]) => ({ type: 'mrkdwn' as const, text: `*${alertTypeLabel(type)}*\n${count}` }));
  if (shown.length < counts.length) {
    const rest = counts.slice(shown.length).reduce((sum, [, count]) => sum + count, 0);
    fields.push({ type: 'mrkdwn', text: `*Other types*\n${rest}` });
  }
  return fields;
}

function alertLine(alert: DigestView['alerts'][number], timezone: string): string {
  const title = escapeSlackLine(truncateText(alert.title, LISTED_TITLE_MAX));
  const printer = escapeSlackLine(printerLabel(alert));
  return `${SEVERITY_MARKER[alert.severity]} ${localTimeOf(alert, timezone)} *${title}* \u2014 ${printer}`;
}

/** Header, counts per alert type, then the most important alerts. */
export function formatSlackDigest(digest: DigestView): SlackDigestPayload {
  const headline = digestHeadline(digest);
  const header: SlackDigestBlock = { type: 'header', text: { type: 'plain_text', text: truncateText(headline, HEADER_MAX) } };

  if (digest.alerts.length === 0) {
    return {
      text: escapeSlackEntities(headline),
      blocks: [header, { type: 'section', text: { type: 'mrkdwn', text: ALL_QUIET_TEXT } }],
    };
  }

  const ordered = orderByImportance(digest.alerts);
  const topAlerts = fitLines(
    ordered.slice(0, DIGEST_MAX_LISTED_ALERTS).map((alert) => alertLine(alert, digest.timezone)),
    SECTION_TEXT_MAX,
    ordered.length,
  );
  return {
    text: escapeSlackEntities(`${headline}: ${severityBreakdown(digest.alerts)}`),
    blocks: [header, { type: 'section', fields: countFields(digest) }, { type: 'section', text: { type: 'mrkdwn', text: topAlerts } }],
  };
}
