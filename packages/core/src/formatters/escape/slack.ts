import { spanMarkupPieces } from './span-markup';

// Slack's own escaping covers only &, < and > (as &amp; &lt; &gt;): that is what stops links,
// mentions and commands (<https://evil|click>, <!channel>, <@U123>). Slack mrkdwn has no escape
// character for * _ ~ `: see span-markup.ts for how they are kept inert without touching
// intraword characters such as the underscores of slicer file names.
const SLACK = {
  spanChars: new Set(['*', '_', '~', '`']),
  entities: { '&': '&amp;', '<': '&lt;', '>': '&gt;' },
};

/** `text` as Slack-safe pieces, one per code point, so it can be cut without splitting an escape. */
export function slackTextPieces(text: string): string[] {
  return spanMarkupPieces(text, SLACK);
}

/** `text` as Slack shows it literally: nothing in it can link, mention, quote or format. */
export function escapeSlackText(text: string): string {
  return slackTextPieces(text).join('');
}

/** Only &, < and >, for text Herald writes itself (zone names such as America/New_York keep their "_"). */
export function escapeSlackEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
