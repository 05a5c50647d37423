// Discord markdown is escaped with a backslash. Alert text keeps O.D.I.N.'s look (bold, italics,
// code render as written) but nothing may link, mention or hide: `[`/`]` (masked links), `<`
// (<@id>, <#channel>, <t:…>, <https://…> forms), `|` (spoilers) and the backslash itself (so `\[`
// in the text cannot undo the escape) are escaped. Digest lines, which Herald builds itself around
// the user's text, escape every formatting character (escapeDiscordLine).
const LINK_OR_HIDE = /[\\[\]<|]/g;
const ALL_MARKUP = /[\\*_~`|[\]<]/g;

export function escapeDiscordText(text: string): string {
  return text.replace(LINK_OR_HIDE, '\\$&');
}

/** User text inside one line Herald formats itself: every formatting character escaped, newlines collapsed. */
export function escapeDiscordLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(ALL_MARKUP, '\\$&');
}
