import type { QuietHoursSetting } from '@herald/core';
import { formatSpanLabel, isWindowOfSetting, presentDigest } from '../src/digest-label';
import { parseScopeKey } from '../src/digest-scopes';

const at = (iso: string) => Date.parse(iso);
const berlin = (overrides: Partial<QuietHoursSetting> = {}): QuietHoursSetting => ({
  enabled: true,
  start: '22:00',
  end: '07:00',
  timezone: 'Europe/Berlin',
  digest: true,
  bypassSeverities: [],
  digestWhenEmpty: true,
  ...overrides,
});
// 22:00–07:00 Europe/Berlin on the night summer time ends (07:00 CET = 06:00 UTC).
const window = { windowStartMs: at('2026-10-24T20:00:00Z'), windowEndMs: at('2026-10-25T06:00:00Z'), timezone: 'Europe/Berlin' };
const closing = { windowStartMs: at('2026-10-24T20:00:00Z'), windowEndMs: at('2026-10-25T02:01:00Z'), timezone: 'Europe/Berlin' };

describe('presentDigest', () => {
  it("keeps the setting's own label and digest_when_empty for one of its windows", () => {
    expect(presentDigest(window, berlin())).toEqual({
      windowLabel: '22:00\u201307:00 Europe/Berlin',
      digestWhenEmpty: true,
      closing: false,
    });
  });

  it('still recognises a whole window after quiet hours were switched off, but never sends it empty', () => {
    expect(presentDigest(window, berlin({ enabled: false }))).toEqual({
      windowLabel: '22:00\u201307:00 Europe/Berlin',
      digestWhenEmpty: false,
      closing: false,
    });
  });

  it('labels a closing digest with the span it covers and why', () => {
    expect(presentDigest(closing, berlin({ enabled: false }))).toEqual({
      windowLabel: '22:00\u201303:01 Europe/Berlin, quiet hours turned off',
      digestWhenEmpty: false,
      closing: true,
    });
    expect(presentDigest(closing, null).windowLabel).toBe('22:00\u201303:01 Europe/Berlin, quiet hours removed');
    expect(presentDigest(closing, berlin({ start: '12:00', end: '13:00' })).windowLabel).toBe('22:00\u201303:01 Europe/Berlin');
  });

  it('is not fooled by the same instants read in another zone', () => {
    expect(isWindowOfSetting(berlin(), { ...window, timezone: 'UTC' })).toBe(false);
    expect(presentDigest({ ...window, timezone: 'UTC' }, berlin()).windowLabel).toBe('20:00\u201306:00 UTC');
  });
});

describe('formatSpanLabel', () => {
  it('adds dates when the span is a day or longer', () => {
    expect(
      formatSpanLabel({ windowStartMs: at('2026-10-23T20:00:00Z'), windowEndMs: at('2026-10-25T02:01:00Z'), timezone: 'Europe/Berlin' }),
    ).toBe('2026-10-23 22:00\u20132026-10-25 03:01 Europe/Berlin');
  });

  it('reads midnight as 00:00', () => {
    expect(formatSpanLabel({ windowStartMs: at('2026-11-01T00:00:00Z'), windowEndMs: at('2026-11-01T01:30:00Z'), timezone: 'UTC' })).toBe(
      '00:00\u201301:30 UTC',
    );
  });
});

describe('parseScopeKey', () => {
  it('accepts the two scope forms alerts store, and nothing else', () => {
    expect(parseScopeKey('system')).toEqual({ scopeKey: 'system', orgId: null });
    expect(parseScopeKey('org:42')).toEqual({ scopeKey: 'org:42', orgId: 42 });
    for (const key of ['org:', 'org:0', 'org:042', 'org:99999999999', 'org:4x', 'System']) expect(parseScopeKey(key)).toBeNull();
  });
});
