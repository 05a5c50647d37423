import { escapeSlackText } from '../slack-text';

/** Only &, < and >, for text the digest writes itself (zone names such as America/New_York keep their "_"). */
export function escapeSlackEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * User-supplied text for one Slack digest line: the alert formatters' escaping (entities, formatting
 * characters swapped for look-alikes) with newlines collapsed so each alert stays on one line.
 */
export function escapeSlackLine(text: string): string {
  return escapeSlackText(text.replace(/[\r\n]+/g, ' '));
}

/**
 * Escape user-supplied text for Discord markdown inside a line the digest starts itself: a backslash
 * before the characters that format mid-line (emphasis, code, spoilers, masked links, mentions).
 * Line-start syntax (#, >, -) cannot trigger: each line starts with the digest's own severity
 * marker, and newlines collapse to spaces.
 */
export function escapeDiscordMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\*_~`|[\]<]/g, '\\$&');
}
