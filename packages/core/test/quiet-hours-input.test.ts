import { parseQuietHoursInput } from '../src/quiet-hours';

function errorsOf(input: unknown) {
  const result = parseQuietHoursInput(input);
  if (result.ok) throw new Error('expected the input to be rejected');
  return result.errors;
}

describe('parseQuietHoursInput', () => {
  it('fills the defaults for the optional fields', () => {
    expect(parseQuietHoursInput({ enabled: true, start: '22:00', end: '07:00' })).toEqual({
      ok: true,
      setting: {
        enabled: true,
        start: '22:00',
        end: '07:00',
        timezone: 'UTC',
        digest: true,
        bypassSeverities: [],
        digestWhenEmpty: false,
      },
    });
  });

  it('maps every snake_case field to the setting', () => {
    expect(
      parseQuietHoursInput({
        enabled: false,
        start: '23:30',
        end: '06:15',
        timezone: 'Europe/Berlin',
        digest: false,
        bypass_severities: ['critical', 'warning'],
        digest_when_empty: true,
      }),
    ).toEqual({
      ok: true,
      setting: {
        enabled: false,
        start: '23:30',
        end: '06:15',
        timezone: 'Europe/Berlin',
        digest: false,
        bypassSeverities: ['critical', 'warning'],
        digestWhenEmpty: true,
      },
    });
  });

  it('treats null optional fields as their defaults', () => {
    const result = parseQuietHoursInput({
      enabled: true,
      start: '22:00',
      end: '07:00',
      timezone: null,
      digest: null,
      bypass_severities: null,
      digest_when_empty: null,
    });
    expect(result).toMatchObject({ ok: true, setting: { timezone: 'UTC', digest: true, bypassSeverities: [], digestWhenEmpty: false } });
  });

  it("normalises a zone's letter case and drops repeated severities", () => {
    const result = parseQuietHoursInput({
      enabled: true,
      start: '22:00',
      end: '07:00',
      timezone: 'america/new_york',
      bypass_severities: ['critical', 'critical'],
    });
    expect(result).toMatchObject({ ok: true, setting: { timezone: 'America/New_York', bypassSeverities: ['critical'] } });
  });

  it.each(['7:00', '24:00', '12:60', '12:5', '1200', '', ' 12:00', '12:00:00'])('rejects start %j', (start) => {
    expect(errorsOf({ enabled: true, start, end: '07:00' })).toEqual([
      { field: 'start', message: 'must be a time "HH:MM" between 00:00 and 23:59' },
    ]);
  });

  it('accepts the extremes 00:00 and 23:59', () => {
    expect(parseQuietHoursInput({ enabled: true, start: '23:59', end: '00:00' }).ok).toBe(true);
  });

  it('rejects a window whose end equals its start', () => {
    expect(errorsOf({ enabled: true, start: '22:00', end: '22:00' })).toEqual([
      { field: 'end', message: 'must differ from start (a window of zero length)' },
    ]);
  });

  it('rejects an unknown time zone', () => {
    expect(errorsOf({ enabled: true, start: '22:00', end: '07:00', timezone: 'Europe/Atlantis' })).toEqual([
      { field: 'timezone', message: 'unknown IANA time zone "Europe/Atlantis"' },
    ]);
    expect(errorsOf({ enabled: true, start: '22:00', end: '07:00', timezone: 'UTC+2' })[0]?.field).toBe('timezone');
  });

  it('rejects an unknown severity', () => {
    expect(errorsOf({ enabled: true, start: '22:00', end: '07:00', bypass_severities: ['critical', 'urgent'] })).toEqual([
      { field: 'bypass_severities', message: 'unknown severity "urgent" (expected one of info, warning, critical)' },
    ]);
    expect(errorsOf({ enabled: true, start: '22:00', end: '07:00', bypass_severities: 'critical' })[0]?.field).toBe('bypass_severities');
  });

  it('reports every bad field at once', () => {
    const fields = errorsOf({ enabled: 'yes', start: '25:00', end: 7, timezone: 'Nowhere', digest: 'no', digest_when_empty: 1 }).map(
      (error) => error.field,
    );
    expect(fields.sort()).toEqual(['digest', 'digest_when_empty', 'enabled', 'end', 'start', 'timezone']);
  });

  it('requires enabled, start and end', () => {
    expect(
      errorsOf({})
        .map((error) => error.field)
        .sort(),
    ).toEqual(['enabled', 'end', 'start']);
  });

  it('rejects unknown fields such as camelCase spellings', () => {
    expect(errorsOf({ enabled: true, start: '22:00', end: '07:00', bypassSeverities: ['critical'] })).toEqual([
      { field: 'bypassSeverities', message: 'unknown field' },
    ]);
  });

  it.each([null, 'quiet', 42, ['22:00']])('rejects a body that is not an object (%j)', (input) => {
    expect(errorsOf(input)).toEqual([{ field: 'input', message: 'must be a JSON object' }]);
  });
});
