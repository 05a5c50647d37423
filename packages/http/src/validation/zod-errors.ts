import type { z } from 'zod';
import type { FieldError } from '@herald/core';
import { badRequest, type HttpError } from '../http-errors';

export function zodFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : 'body',
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${(issue as { keys: string[] }).keys.join(', ')}` : issue.message,
  }));
}

/** Parses with a zod schema or throws a 400 naming each bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw badRequest(zodFieldErrors(result.error)) as HttpError;
  return result.data;
}
