import type { IANAZone } from 'luxon';
import { minuteOfDay, type QuietHoursSetting, type QuietWindow } from './setting';
import { localDayIndex, resolveWallTime, zoneFor } from './wall-clock';

/*
 * A setting describes one concrete window per local day: it opens at `start` on that day and closes
 * at `end` on the same day, or on the next day when end < start (crossing midnight). Both ends are
 * resolved to absolute instants with the DST rules of resolveWallTime, so a window across a DST
 * change is an hour shorter or longer in real time. Windows are half-open: [startMs, endMs).
 * A window that collapses to nothing (both ends inside the same spring-forward gap) is skipped.
 */

interface ResolvedSetting {
  zone: IANAZone;
  startMinute: number;
  endMinute: number;
}

function resolveSetting(setting: QuietHoursSetting): ResolvedSetting {
  return {
    zone: zoneFor(setting.timezone),
    startMinute: minuteOfDay(setting.start),
    endMinute: minuteOfDay(setting.end),
  };
}

function windowOpeningOn(resolved: ResolvedSetting, dayIndex: number): QuietWindow | null {
  const { zone, startMinute, endMinute } = resolved;
  const startMs = resolveWallTime(zone, dayIndex, startMinute);
  const endDay = endMinute > startMinute ? dayIndex : dayIndex + 1;
  const endMs = resolveWallTime(zone, endDay, endMinute);
  return endMs > startMs ? { startMs, endMs } : null;
}

/** The concrete quiet window containing `instantMs`, or null when outside quiet hours or disabled. */
export function quietWindowContaining(setting: QuietHoursSetting, instantMs: number): QuietWindow | null {
  if (!setting.enabled) return null;
  const resolved = resolveSetting(setting);
  const today = localDayIndex(resolved.zone, instantMs);
  // Yesterday's window may still be open after midnight; tomorrow's is checked for zones whose
  // clocks fall back across midnight.
  for (const day of [today - 1, today, today + 1]) {
    const window = windowOpeningOn(resolved, day);
    if (window && window.startMs <= instantMs && instantMs < window.endMs) return window;
  }
  return null;
}

/**
 * Whether the local wall time of `instantMs` in the setting's zone falls inside [start, end).
 * Decided by the concrete windows above, so it agrees with quietWindowContaining and endedWindows
 * across DST changes (an end inside the repeated fall-back hour is its first occurrence).
 */
export function isQuietAt(setting: QuietHoursSetting, instantMs: number): boolean {
  return quietWindowContaining(setting, instantMs) !== null;
}

/** Every concrete window whose end lies in (afterMs, beforeMs], oldest first. */
export function endedWindows(setting: QuietHoursSetting, range: { afterMs: number; beforeMs: number }): QuietWindow[] {
  const { afterMs, beforeMs } = range;
  if (!setting.enabled || !(beforeMs > afterMs)) return [];
  const resolved = resolveSetting(setting);
  const windows: QuietWindow[] = [];
  // A window ending after `afterMs` opened at most a day and a DST shift earlier.
  const firstDay = localDayIndex(resolved.zone, afterMs) - 2;
  const lastDay = localDayIndex(resolved.zone, beforeMs) + 1;
  for (let day = firstDay; day <= lastDay; day++) {
    const window = windowOpeningOn(resolved, day);
    if (window && window.endMs > afterMs && window.endMs <= beforeMs) windows.push(window);
  }
  return windows;
}
