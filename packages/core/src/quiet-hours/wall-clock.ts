import { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function zoneFor(timezone: string): IANAZone {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw new RangeError(`unknown IANA time zone ${JSON.stringify(timezone)}`);
  return zone;
}

/**
 * Local calendar day of an instant in `zone`, as a day count since 1970-01-01 (calendar arithmetic
 * only; the zone's offset comes from luxon's tz data).
 */
export function localDayIndex(zone: IANAZone, instantMs: number): number {
  return Math.floor((instantMs + zone.offset(instantMs) * MINUTE_MS) / DAY_MS);
}

/**
 * The absolute instant at which the wall clock in `zone` reads `minuteOfDay` on local day `dayIndex`.
 *
 * DST rules (luxon alone would pick the later occurrence and shift gap times by the gap length,
 * so both cases are resolved here explicitly):
 * - Nonexistent time (spring-forward gap, e.g. 02:30 on the last Sunday of March in Europe/Berlin):
 *   resolves to the next valid instant, i.e. the moment the clocks jump (03:00 local).
 * - Ambiguous time (fall-back overlap, e.g. 02:30 on the last Sunday of October in Europe/Berlin):
 *   resolves to the first occurrence (02:30 CEST, before the clocks go back).
 */
export function resolveWallTime(zone: IANAZone, dayIndex: number, minuteOfDay: number): number {
  const wallMs = dayIndex * DAY_MS + minuteOfDay * MINUTE_MS;
  // Transitions are months apart, so the offsets a day either side cover every candidate.
  const offsets = [...new Set([-DAY_MS, 0, DAY_MS].map((shift) => zone.offset(wallMs + shift)))];

  let earliest: number | null = null;
  for (const offset of offsets) {
    const candidate = wallMs - offset * MINUTE_MS;
    if (zone.offset(candidate) === offset && (earliest === null || candidate < earliest)) earliest = candidate;
  }
  if (earliest !== null) return earliest;

  // In a gap: find the first instant whose wall time is at or after the requested one.
  const wallAt = (instant: number): number => instant + zone.offset(instant) * MINUTE_MS;
  let before = wallMs - Math.max(...offsets) * MINUTE_MS; // wall time here is before the gap
  let after = wallMs - Math.min(...offsets) * MINUTE_MS; // wall time here is past the gap
  while (after - before > 1) {
    const mid = Math.floor((before + after) / 2);
    if (wallAt(mid) >= wallMs) after = mid;
    else before = mid;
  }
  return after;
}
