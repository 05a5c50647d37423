import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { endedWindows, formatWindowLabel, isQuietAt, quietWindowContaining, type QuietHoursSetting } from '../src/quiet-hours';

function setting(start: string, end: string, timezone = 'UTC', overrides: Partial<QuietHoursSetting> = {}): QuietHoursSetting {
  return { enabled: true, start, end, timezone, digest: true, bypassSeverities: [], digestWhenEmpty: false, ...overrides };
}

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
};
const window = (startIso: string, endIso: string) => ({ startMs: at(startIso), endMs: at(endIso) });

describe('formatWindowLabel', () => {
  it('joins start and end with an en dash and names the zone', () => {
    expect(formatWindowLabel(setting('22:00', '07:00', 'Europe/Berlin'))).toBe('22:00\u201307:00 Europe/Berlin');
  });
});

describe('isQuietAt in UTC', () => {
  const overnight = setting('22:00', '07:00');

  it('is quiet from the start (inclusive) across midnight to the end (exclusive)', () => {
    expect(isQuietAt(overnight, at('2026-05-10T21:59:59.999Z'))).toBe(false);
    expect(isQuietAt(overnight, at('2026-05-10T22:00:00Z'))).toBe(true);
    expect(isQuietAt(overnight, at('2026-05-10T23:59:59Z'))).toBe(true);
    expect(isQuietAt(overnight, at('2026-05-11T00:00:00Z'))).toBe(true);
    expect(isQuietAt(overnight, at('2026-05-11T06:59:59.999Z'))).toBe(true);
    expect(isQuietAt(overnight, at('2026-05-11T07:00:00Z'))).toBe(false);
    expect(isQuietAt(overnight, at('2026-05-11T12:00:00Z'))).toBe(false);
  });

  it('handles a window within one day', () => {
    const daytime = setting('09:00', '17:30');
    expect(isQuietAt(daytime, at('2026-05-10T08:59:00Z'))).toBe(false);
    expect(isQuietAt(daytime, at('2026-05-10T09:00:00Z'))).toBe(true);
    expect(isQuietAt(daytime, at('2026-05-10T17:29:59Z'))).toBe(true);
    expect(isQuietAt(daytime, at('2026-05-10T17:30:00Z'))).toBe(false);
    expect(isQuietAt(daytime, at('2026-05-10T23:00:00Z'))).toBe(false);
  });

  it('is never quiet when disabled', () => {
    const disabled = setting('00:00', '23:59', 'UTC', { enabled: false });
    expect(isQuietAt(disabled, at('2026-05-10T12:00:00Z'))).toBe(false);
    expect(quietWindowContaining(disabled, at('2026-05-10T12:00:00Z'))).toBeNull();
    expect(endedWindows(disabled, { afterMs: at('2026-05-01T00:00:00Z'), beforeMs: at('2026-05-10T00:00:00Z') })).toEqual([]);
  });

  it('reads the wall clock in the setting zone, not UTC', () => {
    const tokyo = setting('22:00', '07:00', 'Asia/Tokyo'); // UTC+9, no DST
    expect(isQuietAt(tokyo, at('2026-05-10T13:00:00Z'))).toBe(true); // 22:00 in Tokyo
    expect(isQuietAt(tokyo, at('2026-05-10T12:59:00Z'))).toBe(false);
    expect(isQuietAt(tokyo, at('2026-05-10T22:00:00Z'))).toBe(false); // 07:00 next day in Tokyo
  });

  it('rejects a setting with an unknown zone', () => {
    expect(() => isQuietAt(setting('22:00', '07:00', 'Mars/Olympus'), 0)).toThrow(RangeError);
  });
});

describe('quietWindowContaining', () => {
  const overnight = setting('22:00', '07:00');

  it('returns the window that opened the previous evening for an instant after midnight', () => {
    expect(quietWindowContaining(overnight, at('2026-05-11T03:00:00Z'))).toEqual(window('2026-05-10T22:00:00Z', '2026-05-11T07:00:00Z'));
  });

  it('returns the window opening this evening for an instant before midnight', () => {
    expect(quietWindowContaining(overnight, at('2026-05-10T22:30:00Z'))).toEqual(window('2026-05-10T22:00:00Z', '2026-05-11T07:00:00Z'));
  });

  it('returns null outside the window', () => {
    expect(quietWindowContaining(overnight, at('2026-05-11T07:00:00Z'))).toBeNull();
  });
});

describe('DST in Europe/Berlin (22:00–07:00)', () => {
  const berlin = setting('22:00', '07:00', 'Europe/Berlin');

  it('spring forward (29 Mar 2026): the night is an hour shorter and ends at 07:00 CEST', () => {
    const night = window('2026-03-28T21:00:00Z', '2026-03-29T05:00:00Z'); // 22:00 CET → 07:00 CEST
    expect(quietWindowContaining(berlin, at('2026-03-29T01:30:00Z'))).toEqual(night);
    expect(isQuietAt(berlin, at('2026-03-29T04:59:00Z'))).toBe(true); // 06:59 CEST
    expect(isQuietAt(berlin, at('2026-03-29T05:00:00Z'))).toBe(false); // 07:00 CEST
    // The night before still ended at 07:00 CET.
    expect(isQuietAt(berlin, at('2026-03-28T05:30:00Z'))).toBe(true); // 06:30 CET
    expect(isQuietAt(berlin, at('2026-03-28T06:00:00Z'))).toBe(false);
  });

  it('fall back (25 Oct 2026): the night is an hour longer and ends at 07:00 CET', () => {
    const night = window('2026-10-24T20:00:00Z', '2026-10-25T06:00:00Z'); // 22:00 CEST → 07:00 CET
    expect(quietWindowContaining(berlin, at('2026-10-25T01:30:00Z'))).toEqual(night);
    expect(isQuietAt(berlin, at('2026-10-25T05:30:00Z'))).toBe(true); // 06:30 CET
    expect(isQuietAt(berlin, at('2026-10-25T06:00:00Z'))).toBe(false);
    // The next evening opens at 22:00 CET.
    expect(isQuietAt(berlin, at('2026-10-25T20:30:00Z'))).toBe(false); // 21:30 CET
    expect(isQuietAt(berlin, at('2026-10-25T21:00:00Z'))).toBe(true);
  });

  it('a start inside the spring-forward gap opens at the next valid instant (03:00 CEST)', () => {
    const gapStart = setting('02:30', '05:00', 'Europe/Berlin');
    expect(isQuietAt(gapStart, at('2026-03-29T00:59:59Z'))).toBe(false); // 01:59:59 CET
    expect(quietWindowContaining(gapStart, at('2026-03-29T01:00:00Z'))).toEqual(window('2026-03-29T01:00:00Z', '2026-03-29T03:00:00Z'));
    // On an ordinary day the same window opens at 02:30 CET.
    expect(quietWindowContaining(gapStart, at('2026-03-28T01:30:00Z'))).toEqual(window('2026-03-28T01:30:00Z', '2026-03-28T04:00:00Z'));
  });

  it('an end inside the spring-forward gap closes at the next valid instant (03:00 CEST)', () => {
    const gapEnd = setting('22:00', '02:30', 'Europe/Berlin');
    expect(quietWindowContaining(gapEnd, at('2026-03-29T00:30:00Z'))).toEqual(window('2026-03-28T21:00:00Z', '2026-03-29T01:00:00Z'));
    expect(isQuietAt(gapEnd, at('2026-03-29T01:00:00Z'))).toBe(false);
  });

  it('an ambiguous end during fall back closes at its first occurrence (02:30 CEST)', () => {
    const ambiguousEnd = setting('22:00', '02:30', 'Europe/Berlin');
    expect(quietWindowContaining(ambiguousEnd, at('2026-10-25T00:29:00Z'))).toEqual(window('2026-10-24T20:00:00Z', '2026-10-25T00:30:00Z'));
    expect(isQuietAt(ambiguousEnd, at('2026-10-25T00:30:00Z'))).toBe(false);
    // The repeated 02:00–02:30 (now CET) does not reopen a window that has already ended.
    expect(isQuietAt(ambiguousEnd, at('2026-10-25T01:15:00Z'))).toBe(false);
  });

  it('an ambiguous start during fall back opens at its first occurrence (02:30 CEST)', () => {
    const ambiguousStart = setting('02:30', '06:00', 'Europe/Berlin');
    expect(isQuietAt(ambiguousStart, at('2026-10-25T00:29:00Z'))).toBe(false);
    expect(quietWindowContaining(ambiguousStart, at('2026-10-25T00:30:00Z'))).toEqual(
      window('2026-10-25T00:30:00Z', '2026-10-25T05:00:00Z'),
    );
  });
});

describe('DST in America/New_York', () => {
  const newYork = setting('22:00', '07:00', 'America/New_York');

  it('spring forward (8 Mar 2026): 22:00 EST to 07:00 EDT', () => {
    expect(quietWindowContaining(newYork, at('2026-03-08T08:00:00Z'))).toEqual(window('2026-03-08T03:00:00Z', '2026-03-08T11:00:00Z'));
    expect(isQuietAt(newYork, at('2026-03-08T11:00:00Z'))).toBe(false);
  });

  it('fall back (1 Nov 2026): 22:00 EDT to 07:00 EST', () => {
    expect(quietWindowContaining(newYork, at('2026-11-01T06:30:00Z'))).toEqual(window('2026-11-01T02:00:00Z', '2026-11-01T12:00:00Z'));
    expect(isQuietAt(newYork, at('2026-11-01T11:59:00Z'))).toBe(true); // 06:59 EST
  });

  it('resolves a gap start to 03:00 EDT and an ambiguous start to the EDT occurrence', () => {
    expect(quietWindowContaining(setting('02:30', '04:00', 'America/New_York'), at('2026-03-08T07:30:00Z'))).toEqual(
      window('2026-03-08T07:00:00Z', '2026-03-08T08:00:00Z'),
    );
    expect(quietWindowContaining(setting('01:30', '04:00', 'America/New_York'), at('2026-11-01T05:30:00Z'))).toEqual(
      window('2026-11-01T05:30:00Z', '2026-11-01T09:00:00Z'),
    );
  });
});

describe('endedWindows', () => {
  it('lists every window ending in (after, before], oldest first, across a DST change', () => {
    const berlin = setting('22:00', '07:00', 'Europe/Berlin');
    expect(endedWindows(berlin, { afterMs: at('2026-03-27T00:00:00Z'), beforeMs: at('2026-03-31T06:00:00Z') })).toEqual([
      window('2026-03-26T21:00:00Z', '2026-03-27T06:00:00Z'),
      window('2026-03-27T21:00:00Z', '2026-03-28T06:00:00Z'),
      window('2026-03-28T21:00:00Z', '2026-03-29T05:00:00Z'),
      window('2026-03-29T20:00:00Z', '2026-03-30T05:00:00Z'),
      window('2026-03-30T20:00:00Z', '2026-03-31T05:00:00Z'),
    ]);
  });

  it('excludes a window ending exactly at afterMs and includes one ending exactly at beforeMs', () => {
    const overnight = setting('22:00', '07:00');
    expect(endedWindows(overnight, { afterMs: at('2026-05-10T07:00:00Z'), beforeMs: at('2026-05-11T07:00:00Z') })).toEqual([
      window('2026-05-10T22:00:00Z', '2026-05-11T07:00:00Z'),
    ]);
  });

  it('does not list a window that is still open', () => {
    const overnight = setting('22:00', '07:00');
    expect(endedWindows(overnight, { afterMs: at('2026-05-10T08:00:00Z'), beforeMs: at('2026-05-11T06:59:00Z') })).toEqual([]);
  });

  it('lists same-day windows for a multi-day catch-up', () => {
    const lunch = setting('12:00', '13:00', 'UTC');
    expect(endedWindows(lunch, { afterMs: at('2026-05-10T12:30:00Z'), beforeMs: at('2026-05-13T00:00:00Z') })).toEqual([
      window('2026-05-10T12:00:00Z', '2026-05-10T13:00:00Z'),
      window('2026-05-11T12:00:00Z', '2026-05-11T13:00:00Z'),
      window('2026-05-12T12:00:00Z', '2026-05-12T13:00:00Z'),
    ]);
  });

  it('returns nothing for an empty or inverted range', () => {
    const overnight = setting('22:00', '07:00');
    const t = at('2026-05-11T07:00:00Z');
    expect(endedWindows(overnight, { afterMs: t, beforeMs: t })).toEqual([]);
    expect(endedWindows(overnight, { afterMs: t, beforeMs: t - 1 })).toEqual([]);
  });
});

describe('windows over a whole year', () => {
  const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'UTC'];
  const hhmm = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const yearStart = at('2026-01-01T00:00:00Z');
  const yearEnd = at('2027-01-01T00:00:00Z');
  const instant = fc.integer({ min: yearStart, max: yearEnd });

  it('agrees with the plain wall clock away from DST changes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), hhmm, hhmm, instant, (zone, start, end, t) => {
        fc.pre(start !== end);
        const iana = IANAZone.create(zone);
        const dayMs = 86_400_000;
        fc.pre(iana.offset(t - 2 * dayMs) === iana.offset(t + 2 * dayMs));
        const wall = DateTime.fromMillis(t, { zone }).toFormat('HH:mm');
        const expected = start < end ? wall >= start && wall < end : wall >= start || wall < end;
        expect(isQuietAt(setting(start, end, zone), t)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('produces ordered, disjoint windows that each contain their own instants', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), hhmm, hhmm, (zone, start, end) => {
        fc.pre(start !== end);
        const s = setting(start, end, zone);
        const windows = endedWindows(s, { afterMs: yearStart, beforeMs: yearEnd });
        expect(windows.length).toBeGreaterThanOrEqual(364);
        windows.forEach((w, i) => {
          expect(w.endMs).toBeGreaterThan(w.startMs);
          if (i > 0) expect(w.startMs).toBeGreaterThanOrEqual(windows[i - 1]!.endMs);
          expect(quietWindowContaining(s, w.startMs)).toEqual(w);
          expect(quietWindowContaining(s, w.endMs - 1)).toEqual(w);
        });
      }),
      { numRuns: 12 },
    );
  });
});
