import { z } from 'zod';
import { MAX_INT4 } from './int4-ids';

/**
 * What PostgreSQL's `uuid` type reads: 8-4-4-4-12 hex digits. Any other string, even one of the
 * right length, is refused here rather than reaching the database (where it was a 500).
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);

/** A UUID in a path, query or body. */
export const uuidSchema = z
  .string()
  .regex(UUID_PATTERN, { error: 'expected a UUID' })
  .meta({ format: 'uuid', example: '019a1b2c-3d4e-7f00-8a9b-0c1d2e3f4a5b' });

/**
 * Times are stored as PostgreSQL `timestamptz` and handed over by Prisma as ISO strings; years
 * outside 0001–9999 (e.g. `-271821-04-20T00:00:00Z`, which JavaScript reads) fail there, so they are
 * refused as input.
 */
const MIN_TIME_MS = new Date('0001-01-01T00:00:00.000Z').getTime();
const MAX_TIME_MS = new Date('9999-12-31T23:59:59.999Z').getTime();

/** Epoch seconds (fractional allowed) or an ISO 8601 time, between the years 1 and 9999. */
export function parseTimeValue(value: string): { ok: true; date: Date } | { ok: false; message: string } {
  const date = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) return { ok: false, message: 'expected epoch seconds or an ISO 8601 time' };
  if (date.getTime() < MIN_TIME_MS || date.getTime() > MAX_TIME_MS) {
    return { ok: false, message: 'must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z' };
  }
  return { ok: true, date };
}

/** A time in a query string, parsed to a Date. */
export const timeSchema = z
  .string()
  .transform((value, ctx) => {
    const parsed = parseTimeValue(value);
    if (parsed.ok) return parsed.date;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  })
  .meta({ description: 'Epoch seconds or an ISO 8601 time (years 0001–9999)', example: '2026-12-01T00:00:00Z' });

const TOO_BIG = `must be at most ${MAX_INT4}`;

/** A positive PostgreSQL integer written in a path segment or query string. */
export const int4StringSchema = z
  .string()
  .regex(/^\d+$/, { error: 'expected a positive integer' })
  .transform((value, ctx) => {
    const id = Number(value);
    if (id < 1) ctx.addIssue({ code: 'custom', message: 'expected a positive integer' });
    else if (id > MAX_INT4) ctx.addIssue({ code: 'custom', message: TOO_BIG });
    return id;
  })
  .meta({ description: `A positive integer, at most ${MAX_INT4}`, example: '1' });

/** Page size: 1 to 500, default 50. */
export const limitSchema = int4StringSchema
  .optional()
  .transform((limit) => Math.min(limit ?? 50, 500))
  .meta({ description: 'Page size (default 50, at most 500)' });

/** `must be one of a, b, c`, as the API always said, for enums in query strings. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

/** Path ids of UUID rows: `{ id }`. */
export const uuidIdParams = z.object({ id: uuidSchema });

/** Path ids of organizations and printers: `{ id }`. */
export const int4IdParams = z.object({ id: int4StringSchema });
