/**
 * Escape user-supplied text for Slack mrkdwn: &, < and > become entities (so "<!channel>" or
 * "<http://…|x>" cannot be injected), and the formatting characters *, _, ~ and ` are swapped for
 * look-alikes, since Slack has no escape character for them. Newlines collapse to spaces.
 */
export function escapeSlackText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\*/g, '\u2217')
    .replace(/_/g, '\uFF3F')
    .replace(/~/g, '\u223C')
    .replace(/`/g, '\u02CB');
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
