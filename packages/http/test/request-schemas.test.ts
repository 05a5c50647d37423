import fc from 'fast-check';
import { isUuid, parseTimeValue, timeSchema, uuidSchema } from '../src/validation/request-schemas';

describe('the shared UUID parser', () => {
  it.each([
    ['019a1b2c-3d4e-7f00-8a9b-0c1d2e3f4a5b', true],
    ['00000000-0000-0000-0000-000000000000', true],
    ['019A1B2C-3D4E-7F00-8A9B-0C1D2E3F4A5B', true],
    ['-'.repeat(36), false],
    ['f'.repeat(36), false],
    ['019a1b2c3d4e7f008a9b0c1d2e3f4a5b', false],
    ['019a1b2c-3d4e-7f00-8a9b-0c1d2e3f4a5g', false],
    ['019a1b2c-3d4e-7f00-8a9b-0c1d2e3f4a5b ', false],
    ["00000000-0000-0000-0000-000000000000'", false],
  ])('%s → %s', (value, ok) => {
    expect(isUuid(value)).toBe(ok);
    expect(uuidSchema.safeParse(value).success).toBe(ok);
  });

  it('accepts exactly what PostgreSQL reads as a uuid in its canonical form', () => {
    fc.assert(fc.property(fc.uuid(), (uuid) => isUuid(uuid)));
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => isUuid(text) === /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(text)),
    );
  });
});

describe('the shared time parser', () => {
  it.each([
    ['1764576000', '2025-12-01T08:00:00.000Z'],
    ['1764576000.5', '2025-12-01T08:00:00.500Z'],
    ['2026-12-01T00:00:00Z', '2026-12-01T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  ])('%s → %s', (value, iso) => {
    expect(parseTimeValue(value)).toEqual({ ok: true, date: new Date(iso) });
  });

  it.each([
    ['-004714-01-01T00:00:00Z', 'must be between'],
    ['-271821-04-20T00:00:00Z', 'must be between'],
    ['+275760-09-13T00:00:00Z', 'must be between'],
    ['300000000000', 'must be between'],
    ['99999999999999', 'expected epoch seconds or an ISO 8601 time'],
    ['now()', 'expected epoch seconds or an ISO 8601 time'],
    ["2020-01-01'--", 'expected epoch seconds or an ISO 8601 time'],
  ])('%s is refused: %s', (value, message) => {
    const parsed = parseTimeValue(value);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toContain(message);
    expect(timeSchema.safeParse(value).success).toBe(false);
  });

  it('never hands PostgreSQL a date outside years 1–9999', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
        ),
        (value) => {
          const parsed = parseTimeValue(value);
          if (parsed.ok) {
            expect(parsed.date.getUTCFullYear()).toBeGreaterThanOrEqual(1);
            expect(parsed.date.getUTCFullYear()).toBeLessThanOrEqual(9999);
          }
        },
      ),
    );
  });
});
