import type { AlertView, Severity } from '../alerts/alert-types';
import { alertTypeLabel } from './digest/digest-view';
import { teamsMarkdownPieces } from './escape/teams-markdown';
import { SEVERITY_MARKER, TEAMS_COLOR, utcTimeLabel } from './severity-style';
import { joinWithinLength, joinWithinMeasure, jsonStringBytes } from './truncate';

/** Teams rejects a message over 28 KB; the card keeps its text well inside that. */
export const TEAMS_MESSAGE_TEXT_BYTES = 20_000;
const TITLE_LIMIT = 256;

export type TeamsCardElement =
  | {
      type: 'TextBlock';
      text: string;
      wrap: true;
      weight?: 'Bolder';
      size?: 'Medium' | 'Large';
      color?: string;
      isSubtle?: boolean;
      spacing?: 'None' | 'Small';
    }
  | { type: 'FactSet'; facts: Array<{ title: string; value: string }> };

export interface TeamsAdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.5';
  body: TeamsCardElement[];
  msteams: { width: 'Full' };
}

/** What a Power Automate "Post to a channel when a webhook request is received" workflow takes. */
export interface TeamsPayload {
  type: 'message';
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: TeamsAdaptiveCard }];
}

export function escapeTeamsWithin(text: string, maxLength: number): string {
  return joinWithinLength(teamsMarkdownPieces(text), maxLength);
}

export function teamsTitleBlock(title: string, severity: Severity): TeamsCardElement {
  return { type: 'TextBlock', text: title, wrap: true, weight: 'Bolder', size: 'Medium', color: TEAMS_COLOR[severity] };
}

export function teamsMessage(body: TeamsCardElement[]): TeamsPayload {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.5',
          body,
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

/** An Adaptive Card 1.5: the title coloured by severity, the message, and printer, type, severity and time as facts. */
export function formatTeamsPayload(alert: AlertView): TeamsPayload {
  const title = `${SEVERITY_MARKER[alert.severity]} ${escapeTeamsWithin(alert.title, TITLE_LIMIT)}`;
  const message = joinWithinMeasure(teamsMarkdownPieces(alert.message), TEAMS_MESSAGE_TEXT_BYTES, jsonStringBytes);
  const printer = alert.printerName ?? `printer ${alert.printerId}`;
  return teamsMessage([
    teamsTitleBlock(title, alert.severity),
    ...(message === '' ? [] : [{ type: 'TextBlock' as const, text: message, wrap: true as const }]),
    {
      type: 'FactSet',
      facts: [
        { title: 'Printer', value: escapeTeamsWithin(printer, TITLE_LIMIT) },
        { title: 'Type', value: alertTypeLabel(alert.type) },
        { title: 'Severity', value: alert.severity },
        { title: 'Time', value: utcTimeLabel(alert.occurredAtMs) },
      ],
    },
  ]);
}
