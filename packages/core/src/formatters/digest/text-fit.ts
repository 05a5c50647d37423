import { ELLIPSIS } from '../truncate';

/**
 * Join as many leading `lines` as fit in `budget` characters (newline separated), followed by
 * "…and N more" for the rest. Lengths are UTF-16 units (never undercounting characters) unless
 * `measure` says otherwise (UTF-8 bytes for byte-limited services).
 */
export function fitLines(
  lines: readonly string[],
  budget: number,
  totalCount = lines.length,
  measure: (text: string) => number = (text) => text.length,
): string {
  const moreLine = (count: number): string => `${ELLIPSIS}and ${count} more`;
  const kept: string[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const separator = kept.length > 0 ? 1 : 0;
    const restAfter = totalCount - index - 1;
    const reserve = restAfter > 0 ? 1 + measure(moreLine(restAfter)) : 0;
    if (used + separator + measure(line) + reserve > budget) break;
    kept.push(line);
    used += separator + measure(line);
  }
  const omitted = totalCount - kept.length;
  if (omitted > 0) kept.push(moreLine(omitted));
  return kept.join('\n');
}
