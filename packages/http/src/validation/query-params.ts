import { badRequest } from '../http-errors';
import { parseInt4Id } from './int4-ids';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Epoch seconds (fractional allowed) or an ISO 8601 time. */
export function parseTime(field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) throw badRequest([{ field, message: 'expected epoch seconds or an ISO 8601 time' }]);
  return date;
}

/** Page sizes and organization or printer ids: at most a PostgreSQL integer. */
export function parsePositiveInt(field: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseInt4Id(field, value);
}

export function parseUuid(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!UUID.test(value)) throw badRequest([{ field, message: 'expected a UUID' }]);
  return value;
}

export function parseOneOf<T extends string>(field: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw badRequest([{ field, message: `must be one of ${allowed.join(', ')}` }]);
  return value as T;
}
