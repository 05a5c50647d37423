import { escapeDiscordLine } from '../escape/discord';
import { escapeSlackText } from '../escape/slack';

export { escapeSlackEntities } from '../escape/slack';

/** User-supplied text for one Slack digest line: the alert escaping with newlines collapsed so each alert stays on one line. */
export function escapeSlackLine(text: string): string {
  return escapeSlackText(text.replace(/[\r\n]+/g, ' '));
}

/**
 * User-supplied text inside a Discord digest line: every formatting character escaped. Line-start
 * syntax (#, >, -) cannot trigger: each line starts with the digest's own severity marker.
 */
export const escapeDiscordMarkdown = escapeDiscordLine;
