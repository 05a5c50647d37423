import { z } from 'zod';
import { badRequest } from '../http-errors';

/**
 * The largest PostgreSQL `integer`. Organization and printer ids are stored as one, so a larger id
 * would reach the database and fail there (a 500) instead of being refused as input.
 */
export const MAX_INT4 = 2_147_483_647;

const TOO_BIG = `must be at most ${MAX_INT4}`;

/** An organization or printer id in a JSON body. */
export const int4IdSchema = z.number().int().positive().max(MAX_INT4, { error: TOO_BIG });

/** A positive int4 in a path segment or query string; anything else is a 400 naming `field`. */
export function parseInt4Id(field: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw badRequest([{ field, message: 'expected a positive integer' }]);
  if (Number(raw) > MAX_INT4) throw badRequest([{ field, message: TOO_BIG }]);
  return Number(raw);
}

/** The id a path segment names, or undefined when no row can have it (the route answers 404). */
export function int4IdOrUndefined(raw: string): number | undefined {
  if (!/^\d{1,10}$/.test(raw)) return undefined;
  const id = Number(raw);
  return id >= 1 && id <= MAX_INT4 ? id : undefined;
}
