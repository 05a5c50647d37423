import type { FieldError } from '@herald/core';

/** An error the API answers with as JSON: `{error, message, errors?}`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function badRequest(errors: FieldError[], statusCode = 400): HttpError {
  const first = errors[0];
  const message = first
    ? `${first.field}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`
    : 'invalid request';
  return new HttpError(statusCode, 'validation_failed', message, errors);
}

export const unauthorized = () => new HttpError(401, 'unauthorized', 'missing or invalid bearer token or session');
export const forbidden = (message = 'this token may not do that') => new HttpError(403, 'forbidden', message);
export const notFound = (what = 'resource') => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
