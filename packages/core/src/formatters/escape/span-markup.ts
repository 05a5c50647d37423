// Shared by the chat formats whose markup has no escape character (Slack mrkdwn, WhatsApp): a
// formatting character only formats at a word boundary, where it can open or close a span. Between
// two letters or digits (`Benchy_0.2mm`, `X1C_01`) it never does, so it stays as written; anywhere
// else it is swapped for its full-width look-alike, which reads the same and never formats.
const WORD_CHAR = /[\p{L}\p{N}]/u;

export const FULL_WIDTH_LOOK_ALIKE: Readonly<Record<string, string>> = {
  '*': '\uFF0A',
  _: '\uFF3F',
  '~': '\uFF5E',
  '`': '\uFF40',
  '>': '\uFF1E',
};

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && WORD_CHAR.test(char);
}

export interface SpanMarkupRules {
  /** Characters that open or close a span (bold, italic, strike, code). */
  spanChars: ReadonlySet<string>;
  /** Characters escaped everywhere as entities (Slack's & < >), or none. */
  entities: Readonly<Record<string, string>>;
}

/**
 * `text` as escaped pieces, one per code point, so it can be cut without splitting an escape. A
 * span character stays as written only when both neighbours are letters or digits; a `>` that
 * starts a line (a quote) becomes its look-alike.
 */
export function spanMarkupPieces(text: string, rules: SpanMarkupRules): string[] {
  const chars = Array.from(text);
  const pieces: string[] = [];
  let atLineStart = true;
  for (const [index, char] of chars.entries()) {
    const entity = rules.entities[char];
    if (char === '>' && atLineStart) pieces.push(FULL_WIDTH_LOOK_ALIKE['>'] as string);
    else if (entity !== undefined) pieces.push(entity);
    else if (rules.spanChars.has(char) && !(isWordChar(chars[index - 1]) && isWordChar(chars[index + 1])))
      pieces.push(FULL_WIDTH_LOOK_ALIKE[char] ?? char);
    else pieces.push(char);
    if (char === '\n') atLineStart = true;
    else if (char !== ' ' && char !== '\t') atLineStart = false;
  }
  return pieces;
}
