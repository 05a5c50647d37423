// Discord markdown is escaped with a backslash. Alert text keeps O.D.I.N.'s look (bold, italics,
// code render as written) but nothing may link, mention or hide: `[`/`]` (masked links), `<`
// (<@id>, <#channel>, <t:…>, <https://…> forms), `|` (spoilers) and the backslash itself (so `\[`
// in the text cannot undo the escape) are escaped. Digest lines, which Herald builds itself around
// the user's text, escape every formatting character (escapeDiscordLine) but an intraword `_`.
const LINK_OR_HIDE = /[\\[\]<|]/g;
const ALL_MARKUP_BUT_UNDERSCORE = /[\\*~`|[\]<]/g;
// `_` emphasis needs a word boundary on its outer side: between two letters or digits it never formats.
const UNDERSCORE_NOT_INTRAWORD = /(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

export function escapeDiscordText(text: string): string {
  return text.replace(LINK_OR_HIDE, '\\$&');
}

/** User text inside one line Herald formats itself: every formatting character escaped, newlines collapsed. */
export function escapeDiscordLine(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(ALL_MARKUP_BUT_UNDERSCORE, '\\$&')
    .replace(UNDERSCORE_NOT_INTRAWORD, '\\_');
}
