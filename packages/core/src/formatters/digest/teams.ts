import { teamsMarkdownPieces } from '../escape/teams-markdown';
import { teamsMessage, teamsTitleBlock, type TeamsCardElement, type TeamsPayload } from '../teams-payload';
import { jsonStringBytes, joinWithinLength, truncateText } from '../truncate';
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
  worstSeverity,
  type DigestView,
} from './digest-view';
import { fitLines } from './text-fit';

const LISTED_TITLE_MAX = 200;
/** The listed alerts' share of the 28 KB message limit. */
const LINES_BYTES = 18_000;

function teamsLine(text: string): string {
  return joinWithinLength(teamsMarkdownPieces(text.replace(/\s*[\r\n]+\s*/g, ' ')), LISTED_TITLE_MAX * 2);
}

/** The card: headline coloured by the worst severity, counts per type as facts, then the most important alerts, one per line. */
export function formatTeamsDigest(digest: DigestView): TeamsPayload {
  const title = teamsTitleBlock(digestHeadline(digest), worstSeverity(digest.alerts) ?? 'info');
  if (digest.alerts.length === 0) return teamsMessage([title, { type: 'TextBlock', text: ALL_QUIET_TEXT, wrap: true }]);
  const lines = orderByImportance(digest.alerts)
    .slice(0, DIGEST_MAX_LISTED_ALERTS)
    .map(
      (alert) =>
        `${SEVERITY_MARKER[alert.severity]} ${localTimeOf(alert, digest.timezone)} ${teamsLine(truncateText(alert.title, LISTED_TITLE_MAX))} \u2014 ${teamsLine(printerLabel(alert))}`,
    );
  // One TextBlock per line: a markdown line break inside one block is not rendered by every client.
  const listed = fitLines(lines, LINES_BYTES, digest.alerts.length, jsonStringBytes).split('\n');
  const body: TeamsCardElement[] = [
    title,
    { type: 'TextBlock', text: severityBreakdown(digest.alerts), wrap: true, isSubtle: true, spacing: 'None' },
    { type: 'FactSet', facts: countByType(digest.alerts).map(([type, count]) => ({ title: alertTypeLabel(type), value: String(count) })) },
    ...listed.map((text): TeamsCardElement => ({ type: 'TextBlock', text, wrap: true, spacing: 'Small' })),
  ];
  return teamsMessage(body);
}
