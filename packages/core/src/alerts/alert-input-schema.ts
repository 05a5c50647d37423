import { z } from 'zod';
import { ALERT_TYPES, type AlertType, SEVERITIES } from './alert-types';
import { cleanMultilineText, cleanSingleLineText } from './control-characters';
import { dataObjectProblem } from './json-data';
import { kindOf } from './zod-issues';

export const MAX_TITLE_LENGTH = 256;
export const MAX_MESSAGE_LENGTH = 4000;
export const MAX_PRINTER_NAME_LENGTH = 128;
export const MAX_DEDUPE_KEY_LENGTH = 200;
export const MAX_BATCH_SIZE = 1000;
/** printer_id is a PostgreSQL `integer`. */
export const MAX_PRINTER_ID = 2_147_483_647;
/** 2100-01-01T00:00:00Z in epoch seconds: the latest accepted `timestamp`. */
export const MAX_TIMESTAMP_SECONDS = 4_102_444_800;

// Lengths are UTF-16 code units (JavaScript's .length). That is never fewer than the code points, so a
// value within a limit here is within it however Discord or Slack count.

const requiredOr = (expected: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'required' : `expected ${expected}, got ${kindOf(issue.input)}`;

const printerId = z
  .number({ error: requiredOr('integer') })
  .refine(Number.isInteger, { error: (issue) => `expected integer, got ${String(issue.input)}`, abort: true })
  .min(1, { error: 'must be a positive integer' })
  .max(MAX_PRINTER_ID, { error: `must be at most ${MAX_PRINTER_ID}` });

const timestamp = z.number({ error: requiredOr('epoch seconds as a number') }).check((ctx) => {
  const seconds = ctx.value;
  if (seconds >= 0 && seconds <= MAX_TIMESTAMP_SECONDS) return;
  const hint = seconds > 1e11 ? ' (this looks like milliseconds)' : '';
  ctx.issues.push({
    code: 'custom',
    input: seconds,
    message: `must be epoch seconds between 0 (1970-01-01) and ${MAX_TIMESTAMP_SECONDS} (2100-01-01)${hint}`,
  });
});

const data = z.unknown().check((ctx) => {
  if (ctx.value === undefined || ctx.value === null) return;
  const problem = dataObjectProblem(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
});

/**
 * One alert as O.D.I.N. (or any producer) posts it, snake_case. Strict: an unknown field is an error
 * rather than silently dropped, so a typo such as `titel` or `printerId` is reported instead of the
 * alert going out without the value the sender meant to set. Optional fields also accept null.
 */
export const alertInputSchema = z.strictObject({
  type: z.enum(ALERT_TYPES as [AlertType, ...AlertType[]]),
  severity: z.enum(SEVERITIES).nullish(),
  title: z
    .string()
    .overwrite((text) => cleanSingleLineText(text).trim())
    .min(1)
    .max(MAX_TITLE_LENGTH),
  message: z.string().overwrite(cleanMultilineText).max(MAX_MESSAGE_LENGTH),
  printer_id: printerId,
  printer_name: z
    .string()
    .overwrite((text) => cleanSingleLineText(text).trim())
    .max(MAX_PRINTER_NAME_LENGTH)
    .nullish(),
  timestamp: timestamp.nullish(),
  dedupe_key: z.string().min(1).max(MAX_DEDUPE_KEY_LENGTH).nullish(),
  data: data.optional(),
});

export type AlertInputWire = z.output<typeof alertInputSchema>;

export const ALERT_INPUT_FIELDS = Object.keys(alertInputSchema.shape);

export const alertBatchSchema = z.strictObject({
  alerts: z.array(alertInputSchema).min(1).max(MAX_BATCH_SIZE),
});
