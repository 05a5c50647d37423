export const ELLIPSIS = '…';

/**
 * Joins `pieces` (each one code point, or the escaped form of one) and, if the result is longer than
 * `maxLength` UTF-16 units, keeps whole pieces from the start and ends with '…', all within `maxLength`.
 * Cutting between pieces never splits a surrogate pair or an escape such as `&amp;`.
 */
export function joinWithinLength(pieces: readonly string[], maxLength: number): string {
  let total = 0;
  for (const piece of pieces) total += piece.length;
  if (total <= maxLength) return pieces.join('');
  if (maxLength < ELLIPSIS.length) return '';
  let kept = '';
  for (const piece of pieces) {
    if (kept.length + piece.length > maxLength - ELLIPSIS.length) break;
    kept += piece;
  }
  return kept + ELLIPSIS;
}

/** `text` cut to at most `maxLength` UTF-16 units, at a code point boundary, ending with '…' when cut. */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return joinWithinLength(Array.from(text), maxLength);
}

/** UTF-8 bytes of `text`. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Bytes `text` takes inside a JSON string (quotes not counted): escapes such as \n and \" are two. */
export function jsonStringBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
}

/** Like joinWithinLength, with the limit in the units of `measure` (e.g. UTF-8 bytes). */
export function joinWithinMeasure(pieces: readonly string[], max: number, measure: (text: string) => number): string {
  let total = 0;
  for (const piece of pieces) total += measure(piece);
  if (total <= max) return pieces.join('');
  const budget = max - measure(ELLIPSIS);
  if (budget < 0) return '';
  let kept = '';
  let used = 0;
  for (const piece of pieces) {
    const size = measure(piece);
    if (used + size > budget) break;
    kept += piece;
    used += size;
  }
  return kept + ELLIPSIS;
}
