// Slack mrkdwn has no escape character: a backslash before `*` is shown and the `*` still formats.
// Slack's own rule covers only &, < and > (as &amp; &lt; &gt;), which is what stops links, mentions
// and commands: <https://evil|click>, <!channel>, <@U123>, <#C123> all become inert, visible text.
//
// For the formatting characters we swap in their full-width look-alikes (＊ ＿ ～ ｀). They render
// visibly, the reader sees the same shape, and Slack never reads them as markup. The alternative of
// wrapping the characters in zero-width spaces is unreliable: Slack treats U+200B as a word boundary,
// which is the known trick for *enabling* bold/italic in the middle of a word, so wrapping can switch
// formatting on rather than off; it also leaves invisible characters in copied text and searches.
// A `>` that starts a line would quote the line, so that one becomes ＞ as well.
const LOOK_ALIKE: Readonly<Record<string, string>> = {
  '*': '\uFF0A',
  _: '\uFF3F',
  '~': '\uFF5E',
  '`': '\uFF40',
};
const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const QUOTE_LOOK_ALIKE = '\uFF1E';

/** `text` as Slack-safe pieces, one per code point, so it can be cut without splitting an escape. */
export function slackTextPieces(text: string): string[] {
  const pieces: string[] = [];
  let atLineStart = true;
  for (const char of text) {
    if (char === '>' && atLineStart) pieces.push(QUOTE_LOOK_ALIKE);
    else pieces.push(LOOK_ALIKE[char] ?? ENTITY[char] ?? char);
    if (char === '\n') atLineStart = true;
    else if (char !== ' ' && char !== '\t') atLineStart = false;
  }
  return pieces;
}

/** `text` with Slack's escapes applied and every formatting character neutralised. */
export function escapeSlackText(text: string): string {
  return slackTextPieces(text).join('');
}
