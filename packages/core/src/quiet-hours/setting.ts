import type { Severity } from '../alerts/alert-types';

/** A quiet-hours configuration, system-wide or for one organization. */
export interface QuietHoursSetting {
  enabled: boolean;
  /** Local wall-clock start, "HH:MM" (inclusive). */
  start: string;
  /** Local wall-clock end, "HH:MM" (exclusive). An end earlier than the start crosses midnight. */
  end: string;
  /** IANA time zone the wall-clock times are read in. */
  timezone: string;
  /** Whether alerts held during a window are summarised in a digest when it ends. */
  digest: boolean;
  /** Severities delivered immediately even inside the window. */
  bypassSeverities: Severity[];
  /** Send an "all quiet" digest when nothing was held. */
  digestWhenEmpty: boolean;
}

export interface QuietWindow {
  startMs: number;
  endMs: number;
}

export const HH_MM_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "22:00–07:00 Europe/Berlin" */
export function formatWindowLabel(setting: Pick<QuietHoursSetting, 'start' | 'end' | 'timezone'>): string {
  return `${setting.start}\u2013${setting.end} ${setting.timezone}`;
}

/** Minutes since local midnight for a validated "HH:MM". */
export function minuteOfDay(hhmm: string): number {
  const match = HH_MM_PATTERN.exec(hhmm);
  if (!match) throw new RangeError(`invalid quiet-hours time ${JSON.stringify(hhmm)} (expected HH:MM)`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** A stored quiet-hours row (whatever its other columns) as the setting the rules work on. */
export function toQuietHoursSetting(row: QuietHoursSetting): QuietHoursSetting {
  return {
    enabled: row.enabled,
    start: row.start,
    end: row.end,
    timezone: row.timezone,
    digest: row.digest,
    bypassSeverities: row.bypassSeverities,
    digestWhenEmpty: row.digestWhenEmpty,
  };
}
