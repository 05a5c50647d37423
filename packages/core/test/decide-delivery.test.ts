import { decideDelivery, type QuietHoursSetting } from '../src/quiet-hours';
import type { Severity } from '../src/alerts/alert-types';

function setting(start: string, end: string, timezone: string, overrides: Partial<QuietHoursSetting> = {}): QuietHoursSetting {
  return { enabled: true, start, end, timezone, digest: true, bypassSeverities: [], digestWhenEmpty: false, ...overrides };
}

const NIGHT_UTC = setting('22:00', '07:00', 'UTC');
const NIGHT_BERLIN = setting('22:00', '07:00', 'Europe/Berlin');
const MIDNIGHT_UTC = Date.parse('2026-05-11T00:00:00Z'); // 02:00 in Berlin
const EVENING_UTC = Date.parse('2026-05-10T21:00:00Z'); // 23:00 in Berlin, 21:00 UTC

function alert(occurredAtMs: number, orgId: number | null = null, severity: Severity = 'warning') {
  return { severity, occurredAtMs, orgId };
}

describe('decideDelivery', () => {
  it('delivers when no quiet hours are configured', () => {
    expect(decideDelivery({ alert: alert(MIDNIGHT_UTC, 4), systemQuietHours: null, orgQuietHours: null })).toEqual({
      action: 'deliver',
    });
  });

  it('holds an alert inside the system window for the system digest', () => {
    expect(decideDelivery({ alert: alert(MIDNIGHT_UTC), systemQuietHours: NIGHT_UTC, orgQuietHours: null })).toEqual({
      action: 'suppress',
      scope: 'system',
      window: { startMs: Date.parse('2026-05-10T22:00:00Z'), endMs: Date.parse('2026-05-11T07:00:00Z') },
      reason: 'quiet hours (system, 22:00\u201307:00 UTC)',
    });
  });

  it('delivers outside the window', () => {
    const noon = Date.parse('2026-05-11T12:00:00Z');
    expect(decideDelivery({ alert: alert(noon), systemQuietHours: NIGHT_UTC, orgQuietHours: null })).toEqual({ action: 'deliver' });
  });

  it('holds an org alert inside the org window even when the system window is not quiet', () => {
    expect(
      decideDelivery({
        alert: alert(EVENING_UTC, 4),
        systemQuietHours: NIGHT_UTC,
        orgQuietHours: NIGHT_BERLIN,
      }),
    ).toEqual({
      action: 'suppress',
      scope: 'org:4',
      window: { startMs: Date.parse('2026-05-10T20:00:00Z'), endMs: Date.parse('2026-05-11T05:00:00Z') },
      reason: 'quiet hours (org 4, 22:00\u201307:00 Europe/Berlin)',
    });
  });

  it('delivers an org alert outside the org window even when the system window is quiet', () => {
    const orgDaytimeOnly = setting('09:00', '17:00', 'UTC');
    expect(decideDelivery({ alert: alert(MIDNIGHT_UTC, 4), systemQuietHours: NIGHT_UTC, orgQuietHours: orgDaytimeOnly })).toEqual({
      action: 'deliver',
    });
  });

  it('falls back to the system window when the org quiet hours are disabled', () => {
    const disabledOrg = { ...NIGHT_BERLIN, enabled: false };
    expect(decideDelivery({ alert: alert(MIDNIGHT_UTC, 4), systemQuietHours: NIGHT_UTC, orgQuietHours: disabledOrg })).toMatchObject({
      action: 'suppress',
      scope: 'system',
    });
    expect(decideDelivery({ alert: alert(EVENING_UTC, 4), systemQuietHours: NIGHT_UTC, orgQuietHours: disabledOrg })).toEqual({
      action: 'deliver',
    });
  });

  it('follows the system window for an alert without an org, whatever org setting is passed', () => {
    expect(decideDelivery({ alert: alert(EVENING_UTC, null), systemQuietHours: NIGHT_UTC, orgQuietHours: NIGHT_BERLIN })).toEqual({
      action: 'deliver',
    });
  });

  it("lets the deciding setting's bypass severities through", () => {
    const systemBypassCritical = { ...NIGHT_UTC, bypassSeverities: ['critical' as const] };
    expect(
      decideDelivery({ alert: alert(MIDNIGHT_UTC, null, 'critical'), systemQuietHours: systemBypassCritical, orgQuietHours: null }),
    ).toEqual({ action: 'deliver' });
    expect(
      decideDelivery({ alert: alert(MIDNIGHT_UTC, null, 'warning'), systemQuietHours: systemBypassCritical, orgQuietHours: null }),
    ).toMatchObject({ action: 'suppress', scope: 'system' });
  });

  it("ignores the system bypass list when the org's quiet hours decide", () => {
    const systemBypassCritical = { ...NIGHT_UTC, bypassSeverities: ['critical' as const] };
    expect(
      decideDelivery({
        alert: alert(MIDNIGHT_UTC, 7, 'critical'),
        systemQuietHours: systemBypassCritical,
        orgQuietHours: NIGHT_BERLIN,
      }),
    ).toMatchObject({ action: 'suppress', scope: 'org:7' });
    const orgBypassCritical = { ...NIGHT_BERLIN, bypassSeverities: ['critical' as const] };
    expect(
      decideDelivery({ alert: alert(MIDNIGHT_UTC, 7, 'critical'), systemQuietHours: NIGHT_UTC, orgQuietHours: orgBypassCritical }),
    ).toEqual({ action: 'deliver' });
  });
});
