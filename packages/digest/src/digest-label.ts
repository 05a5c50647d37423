import { endedWindows, formatWindowLabel, type QuietHoursSetting } from '@herald/core';

const DAY_MS = 86_400_000;

/** How a claimed digest is shown and whether it is sent when it holds nothing. */
export interface DigestPresentation {
  /** "22:00–07:00 Europe/Berlin", or for a closing digest "22:00–03:01 Europe/Berlin, quiet hours turned off". */
  windowLabel: string;
  /** Send an "all quiet" digest to every webhook when no alert was held. */
  digestWhenEmpty: boolean;
  /** The digest is not one of the setting's own windows (quiet hours switched off, removed or changed). */
  closing: boolean;
}

/**
 * Whether [windowStartMs, windowEndMs) is one of the windows the setting's hours describe in the
 * digest's time zone (the setting may have been switched off since; its hours still say so).
 */
export function isWindowOfSetting(
  setting: QuietHoursSetting,
  digest: { windowStartMs: number; windowEndMs: number; timezone: string },
): boolean {
  if (setting.timezone !== digest.timezone) return false;
  const windows = endedWindows({ ...setting, enabled: true }, { afterMs: digest.windowEndMs - 1, beforeMs: digest.windowEndMs });
  return windows.some((window) => window.startMs === digest.windowStartMs && window.endMs === digest.windowEndMs);
}

/** Wall-clock "HH:MM" (or "YYYY-MM-DD HH:MM") of an instant in `timezone`. */
function wallClock(instantMs: number, timezone: string, withDate: boolean): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
  }).formatToParts(instantMs);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const time = `${part('hour')}:${part('minute')}`;
  return withDate ? `${part('year')}-${part('month')}-${part('day')} ${time}` : time;
}

/**
 * "22:00–03:01 Europe/Berlin" from the digest's own instants, read in its time zone; with dates
 * when the span is a day or longer, so it cannot be read as a daily window.
 */
export function formatSpanLabel(digest: { windowStartMs: number; windowEndMs: number; timezone: string }): string {
  const withDate = digest.windowEndMs - digest.windowStartMs >= DAY_MS;
  return `${wallClock(digest.windowStartMs, digest.timezone, withDate)}\u2013${wallClock(digest.windowEndMs, digest.timezone, withDate)} ${digest.timezone}`;
}

/**
 * A digest of one of the setting's windows keeps the setting's own label ("22:00–07:00 Europe/Berlin")
 * and its digest_when_empty (while the setting is on). Any other digest closes what quiet hours held
 * before they were switched off, removed or changed: it is labelled with the span it actually covers
 * and why, and is never sent empty.
 */
export function presentDigest(
  digest: { windowStartMs: number; windowEndMs: number; timezone: string },
  setting: QuietHoursSetting | null,
): DigestPresentation {
  if (setting && isWindowOfSetting(setting, digest)) {
    return {
      windowLabel: formatWindowLabel({ start: setting.start, end: setting.end, timezone: digest.timezone }),
      digestWhenEmpty: setting.enabled && setting.digest && setting.digestWhenEmpty,
      closing: false,
    };
  }
  const reason = setting === null ? ', quiet hours removed' : setting.enabled ? '' : ', quiet hours turned off';
  return { windowLabel: `${formatSpanLabel(digest)}${reason}`, digestWhenEmpty: false, closing: true };
}
