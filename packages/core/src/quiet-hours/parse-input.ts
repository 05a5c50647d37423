import { IANAZone } from 'luxon';
import { z } from 'zod';
import { SEVERITIES } from '../alerts/alert-types';
import { HH_MM_PATTERN, type QuietHoursSetting } from './setting';

export interface QuietHoursInputError {
  /** The snake_case input field the error is about ("input" when the body itself is wrong). */
  field: string;
  message: string;
}

export type ParseQuietHoursResult = { ok: true; setting: QuietHoursSetting } | { ok: false; errors: QuietHoursInputError[] };

const hhmm = z.string({ error: 'must be a time "HH:MM"' }).regex(HH_MM_PATTERN, {
  error: 'must be a time "HH:MM" between 00:00 and 23:59',
});
const optionalBoolean = z.boolean({ error: 'must be true or false' }).nullish();

export const quietHoursInputSchema = z
  .strictObject(
    {
      enabled: z.boolean({ error: 'must be true or false' }),
      start: hhmm,
      end: hhmm,
      timezone: z
        .string({ error: 'must be an IANA time zone name such as "Europe/Berlin"' })
        .refine((zone) => IANAZone.isValidZone(zone), {
          error: (issue) => `unknown IANA time zone ${JSON.stringify(issue.input)}`,
        })
        .nullish(),
      digest: optionalBoolean,
      bypass_severities: z
        .array(
          z.enum(SEVERITIES, {
            error: (issue) => `unknown severity ${JSON.stringify(issue.input)} (expected one of ${SEVERITIES.join(', ')})`,
          }),
          { error: 'must be a list of severities' },
        )
        .nullish(),
      digest_when_empty: optionalBoolean,
    },
    { error: 'must be a JSON object' },
  )
  .refine((input) => input.start !== input.end, {
    path: ['end'],
    error: 'must differ from start (a window of zero length)',
  });

/** Intl's spelling of a zone the user typed in another letter case ("europe/berlin" → "Europe/Berlin"). */
function canonicalZoneName(zone: string): string {
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
}

/**
 * Validate the snake_case quiet-hours JSON an API client sends:
 * `{enabled, start, end, timezone?="UTC", digest?=true, bypass_severities?=[], digest_when_empty?=false}`.
 * Optional fields may be null (meaning "use the default"); unknown fields are rejected so typos
 * such as `bypassSeverities` do not silently fall back to defaults.
 */
export function parseQuietHoursInput(input: unknown): ParseQuietHoursResult {
  const parsed = quietHoursInputSchema.safeParse(input);
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((issue): QuietHoursInputError[] => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({ field: key, message: 'unknown field' }));
      }
      const field = issue.path[0];
      return [{ field: typeof field === 'string' ? field : 'input', message: issue.message }];
    });
    return { ok: false, errors };
  }
  const value = parsed.data;
  return {
    ok: true,
    setting: {
      enabled: value.enabled,
      start: value.start,
      end: value.end,
      timezone: canonicalZoneName(value.timezone ?? 'UTC'),
      digest: value.digest ?? true,
      bypassSeverities: [...new Set(value.bypass_severities ?? [])],
      digestWhenEmpty: value.digest_when_empty ?? false,
    },
  };
}
