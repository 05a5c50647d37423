import fc from 'fast-check';
import { decideQuietHolds, holdReaches, quietWindowContaining, type QuietHoursSetting } from '../src/quiet-hours';
import type { Severity } from '../src/alerts/alert-types';

function setting(start: string, end: string, timezone: string, overrides: Partial<QuietHoursSetting> = {}): QuietHoursSetting {
  return { enabled: true, start, end, timezone, digest: true, bypassSeverities: [], digestWhenEmpty: false, ...overrides };
}

const NIGHT_UTC = setting('22:00', '07:00', 'UTC');
const NIGHT_BERLIN = setting('22:00', '07:00', 'Europe/Berlin');
const MIDNIGHT_UTC = Date.parse('2026-05-11T00:00:00Z'); // 02:00 in Berlin
const EVENING_UTC = Date.parse('2026-05-10T21:00:00Z'); // 23:00 in Berlin, 21:00 UTC
const SYSTEM_NIGHT = { startMs: Date.parse('2026-05-10T22:00:00Z'), endMs: Date.parse('2026-05-11T07:00:00Z') };

function alert(occurredAtMs: number, orgId: number | null = null, severity: Severity = 'warning') {
  return { severity, occurredAtMs, orgId };
}

describe('decideQuietHolds', () => {
  it('holds nothing when no quiet hours are configured', () => {
    expect(decideQuietHolds({ alert: alert(MIDNIGHT_UTC, 4), systemQuietHours: null, orgQuietHours: null })).toEqual([]);
  });

  it('holds an alert without an organization inside the system window, from the system webhooks', () => {
    expect(decideQuietHolds({ alert: alert(MIDNIGHT_UTC), systemQuietHours: NIGHT_UTC, orgQuietHours: null })).toEqual([
      { scope: 'system', audience: 'system', window: SYSTEM_NIGHT, reason: 'quiet hours (system, 22:00\u201307:00 UTC)' },
    ]);
  });

  it('holds nothing outside the window', () => {
    const noon = Date.parse('2026-05-11T12:00:00Z');
    expect(decideQuietHolds({ alert: alert(noon), systemQuietHours: NIGHT_UTC, orgQuietHours: null })).toEqual([]);
  });

  it("holds an org alert from the org's webhooks inside the org window; the system window, open, holds nothing", () => {
    expect(decideQuietHolds({ alert: alert(EVENING_UTC, 4), systemQuietHours: NIGHT_UTC, orgQuietHours: NIGHT_BERLIN })).toEqual([
      {
        scope: 'org:4',
        audience: 'organization',
        window: { startMs: Date.parse('2026-05-10T20:00:00Z'), endMs: Date.parse('2026-05-11T05:00:00Z') },
        reason: 'quiet hours (org 4, 22:00\u201307:00 Europe/Berlin)',
      },
    ]);
  });

  it('holds an org alert from the system webhooks inside the system window, even when the org window is open', () => {
    const orgDaytimeOnly = setting('09:00', '17:00', 'UTC');
    expect(decideQuietHolds({ alert: alert(MIDNIGHT_UTC, 4), systemQuietHours: NIGHT_UTC, orgQuietHours: orgDaytimeOnly })).toEqual([
      { scope: 'system', audience: 'system', window: SYSTEM_NIGHT, reason: 'quiet hours (system, 22:00\u201307:00 UTC)' },
    ]);
  });

  it('holds an org alert in both scopes when both windows are quiet, each from its own webhooks', () => {
    const holds = decideQuietHolds({ alert: alert(MIDNIGHT_UTC, 4), systemQuietHours: NIGHT_UTC, orgQuietHours: NIGHT_BERLIN });
    expect(holds.map((hold) => [hold.scope, hold.audience])).toEqual([
      ['system', 'system'],
      ['org:4', 'organization'],
    ]);
  });

  it('cannot mute the system webhooks: an org window of 00:00–23:59 with digest off holds only the org webhooks', () => {
    const allDay = setting('00:00', '23:59', 'UTC', { digest: false });
    const noon = Date.parse('2026-05-11T12:00:00Z');
    expect(decideQuietHolds({ alert: alert(noon, 4, 'critical'), systemQuietHours: NIGHT_UTC, orgQuietHours: allDay })).toMatchObject([
      { scope: 'org:4', audience: 'organization' },
    ]);
    expect(decideQuietHolds({ alert: alert(noon, 4, 'critical'), systemQuietHours: null, orgQuietHours: allDay })).toMatchObject([
      { scope: 'org:4', audience: 'organization' },
    ]);
  });

  it("holds the webhooks of an org without enabled quiet hours with the system window (audience 'all')", () => {
    const disabledOrg = { ...NIGHT_BERLIN, enabled: false };
    expect(decideQuietHolds({ alert: alert(MIDNIGHT_UTC, 4), systemQuietHours: NIGHT_UTC, orgQuietHours: disabledOrg })).toMatchObject([
      { scope: 'system', audience: 'all' },
    ]);
    expect(decideQuietHolds({ alert: alert(MIDNIGHT_UTC, 4), systemQuietHours: NIGHT_UTC, orgQuietHours: null })).toMatchObject([
      { scope: 'system', audience: 'all' },
    ]);
    expect(decideQuietHolds({ alert: alert(EVENING_UTC, 4), systemQuietHours: NIGHT_UTC, orgQuietHours: disabledOrg })).toEqual([]);
  });

  it('ignores an org setting for an alert without an org', () => {
    expect(decideQuietHolds({ alert: alert(EVENING_UTC, null), systemQuietHours: NIGHT_UTC, orgQuietHours: NIGHT_BERLIN })).toEqual([]);
  });

  it("lets each setting's bypass severities through its own window only", () => {
    const systemBypassCritical = { ...NIGHT_UTC, bypassSeverities: ['critical' as const] };
    expect(
      decideQuietHolds({ alert: alert(MIDNIGHT_UTC, null, 'critical'), systemQuietHours: systemBypassCritical, orgQuietHours: null }),
    ).toEqual([]);
    expect(
      decideQuietHolds({ alert: alert(MIDNIGHT_UTC, null, 'warning'), systemQuietHours: systemBypassCritical, orgQuietHours: null }),
    ).toMatchObject([{ scope: 'system' }]);
    // The system bypass does not open the org window, nor the org bypass the system window.
    expect(
      decideQuietHolds({ alert: alert(MIDNIGHT_UTC, 7, 'critical'), systemQuietHours: systemBypassCritical, orgQuietHours: NIGHT_BERLIN }),
    ).toMatchObject([{ scope: 'org:7', audience: 'organization' }]);
    const orgBypassCritical = { ...NIGHT_BERLIN, bypassSeverities: ['critical' as const] };
    expect(
      decideQuietHolds({ alert: alert(MIDNIGHT_UTC, 7, 'critical'), systemQuietHours: NIGHT_UTC, orgQuietHours: orgBypassCritical }),
    ).toMatchObject([{ scope: 'system', audience: 'system' }]);
  });
});

describe('holdReaches', () => {
  it('keeps a system hold from system webhooks, an org hold from org webhooks, and an all hold from both', () => {
    expect([holdReaches('system', null), holdReaches('system', 4)]).toEqual([true, false]);
    expect([holdReaches('organization', null), holdReaches('organization', 4)]).toEqual([false, true]);
    expect([holdReaches('all', null), holdReaches('all', 4)]).toEqual([true, true]);
  });
});

describe('decideQuietHolds, for any settings and instant', () => {
  const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => {
    return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  });
  const severity = fc.constantFrom<Severity>('info', 'warning', 'critical');
  const anySetting = fc
    .record({
      enabled: fc.boolean(),
      start: hhmm,
      end: hhmm,
      timezone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'),
      bypass: fc.subarray<Severity>(['info', 'warning', 'critical']),
    })
    .filter((s) => s.start !== s.end)
    .map((s) => setting(s.start, s.end, s.timezone, { enabled: s.enabled, bypassSeverities: s.bypass }));
  const instant = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') });

  it("decides the system webhooks by the system setting alone, whatever the organization's setting says", () => {
    fc.assert(
      fc.property(
        anySetting,
        fc.option(anySetting),
        instant,
        severity,
        fc.option(fc.integer({ min: 1, max: 99 })),
        (sys, org, at, sev, orgId) => {
          const holds = decideQuietHolds({ alert: alert(at, orgId, sev), systemQuietHours: sys, orgQuietHours: org });
          const systemHeld = holds.some((hold) => holdReaches(hold.audience, null));
          const systemQuiet = quietWindowContaining(sys, at) !== null && !sys.bypassSeverities.includes(sev);
          expect(systemHeld).toBe(systemQuiet);
          expect(holds.filter((hold) => hold.scope === 'system').every((hold) => hold.audience !== 'organization')).toBe(true);
        },
      ),
    );
  });

  it("decides an organization's webhooks by its own enabled setting, else by the system setting", () => {
    fc.assert(
      fc.property(anySetting, fc.option(anySetting), instant, severity, fc.integer({ min: 1, max: 99 }), (sys, org, at, sev, orgId) => {
        const holds = decideQuietHolds({ alert: alert(at, orgId, sev), systemQuietHours: sys, orgQuietHours: org });
        const governing = org?.enabled ? org : sys;
        const orgQuiet = quietWindowContaining(governing, at) !== null && !governing.bypassSeverities.includes(sev);
        expect(holds.some((hold) => holdReaches(hold.audience, orgId))).toBe(orgQuiet);
        // At most one hold per scope, and an org scope is the alert's own.
        expect(new Set(holds.map((hold) => hold.scope)).size).toBe(holds.length);
        for (const hold of holds) expect(['system', `org:${orgId}`]).toContain(hold.scope);
      }),
    );
  });
});
