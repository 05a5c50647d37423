import type { AlertView } from '../alerts/alert-types';
import { slackTextPieces } from './escape/slack';
import { joinWithinLength } from './truncate';

/** Slack's limit on a section block's text. */
export const SLACK_SECTION_TEXT_LIMIT = 3000;

export interface SlackPayload {
  /** Shown in notifications and by clients that cannot render blocks. */
  text: string;
  blocks: [{ type: 'section'; text: { type: 'mrkdwn'; text: string } }];
}

/** A title on one line, since *bold* does not span lines. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * The O.D.I.N. Block Kit message: `*<title>*\n<message>`, escaped (see escape/slack.ts) and cut to
 * Slack's 3000-character section limit, the message giving way before the title.
 */
export function formatSlackPayload(alert: AlertView): SlackPayload {
  const title = slackTextPieces(oneLine(alert.title));
  const markup = '**\n'.length;
  const sectionTitle = joinWithinLength(title, SLACK_SECTION_TEXT_LIMIT - markup);
  const sectionMessage = joinWithinLength(slackTextPieces(alert.message), SLACK_SECTION_TEXT_LIMIT - markup - sectionTitle.length);
  return {
    text: joinWithinLength(title, SLACK_SECTION_TEXT_LIMIT),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${sectionTitle}*\n${sectionMessage}` } }],
  };
}
