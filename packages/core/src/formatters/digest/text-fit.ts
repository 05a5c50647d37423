import { ELLIPSIS } from '../truncate';

/**
 * Join as many leading `lines` as fit in `budget` characters (newline separated), followed by
 * "…and N more" for the rest. Lengths are UTF-16 units, which never undercount characters.
 */
export function fitLines(lines: readonly string[], budget: number, totalCount = lines.length): string {
  const moreLine = (count: number): string => `${ELLIPSIS}and ${count} more`;
  const kept: string[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const separator = kept.length > 0 ? 1 : 0;
    const restAfter = totalCount - index - 1;
    const reserve = restAfter > 0 ? 1 + moreLine(restAfter).length : 0;
    if (used + separator + line.length + reserve > budget) break;
    kept.push(line);
    used += separator + line.length;
  }
  const omitted = totalCount - kept.length;
  if (omitted > 0) kept.push(moreLine(omitted));
  return kept.join('\n');
}
