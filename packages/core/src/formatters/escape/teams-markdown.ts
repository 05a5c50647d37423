// Adaptive Card TextBlocks render a markdown subset: **bold**, _italic_, [text](url) links and
// bulleted or numbered lists. A backslash escapes. Text keeps what it says: `[`, `]` and the
// backslash are always escaped (no link can form, no escape can be undone), `*` and `_` only where
// they could open or close emphasis (not between two letters or digits, so file names stay
// byte-identical), and a list marker at a line start.
const WORD_CHAR = /[\p{L}\p{N}]/u;
const BULLET = /^[ \t]*[-+*](?=[ \t])/;
const NUMBERED = /^[ \t]*\d+(?=\.[ \t])/;

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && WORD_CHAR.test(char);
}

/** Code point indexes (within `chars`) of list markers to escape: a bullet, or a numbered item's dot. */
function listMarkerIndexes(chars: string[]): Set<number> {
  const marked = new Set<number>();
  let lineStart = 0;
  for (let index = 0; index <= chars.length; index += 1) {
    if (index < chars.length && chars[index] !== '\n') continue;
    const line = chars.slice(lineStart, index).join('');
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    // Only ASCII before the marker, so string and code point offsets agree.
    if (bullet) marked.add(lineStart + bullet[0].length - 1);
    else if (numbered) marked.add(lineStart + numbered[0].length);
    lineStart = index + 1;
  }
  return marked;
}

export function teamsMarkdownPieces(text: string): string[] {
  const chars = Array.from(text);
  const listMarkers = listMarkerIndexes(chars);
  return chars.map((char, index) => {
    if (char === '[' || char === ']' || char === '\\' || listMarkers.has(index)) return `\\${char}`;
    if ((char === '*' || char === '_') && !(isWordChar(chars[index - 1]) && isWordChar(chars[index + 1]))) return `\\${char}`;
    return char;
  });
}

export function escapeTeamsMarkdown(text: string): string {
  return teamsMarkdownPieces(text).join('');
}
