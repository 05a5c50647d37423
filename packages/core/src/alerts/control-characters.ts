// DEL (U+007F) is neither C0 nor C1 but is just as invisible, so it goes too.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const C0_C1_AND_DEL = /[\u0000-\u001F\u007F-\u009F]/g;
const LINE_BREAKS_AND_TABS = /[\t\n\v\f\r]+/g;
// Everything above except \t and \n: a message keeps its lines and indentation.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const MULTILINE_UNWANTED = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * For one-line text (titles, printer names): breaks and tabs become one space, so "Print\nfailed"
 * reads "Print failed" rather than "Printfailed"; every other C0/C1 control character is removed.
 */
export function cleanSingleLineText(text: string): string {
  return text.replace(LINE_BREAKS_AND_TABS, ' ').replace(C0_C1_AND_DEL, '');
}

/**
 * For multi-line text (messages): keeps \n and \t, turns CRLF and lone CR into \n, removes the other
 * control characters. C1 characters go as well: they render as nothing or as boxes in every client.
 */
export function cleanMultilineText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(MULTILINE_UNWANTED, '');
}
