import type { z } from 'zod';
import { type FieldError, ROOT_FIELD } from './field-error';

/** The kind of a JSON value as error messages name it: "string", "array", "null", ... */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

function plural(count: number | bigint, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function boundMessage(issue: z.core.$ZodRawIssue, kind: 'min' | 'max'): string {
  const raw = issue as unknown as { origin?: string; minimum?: number; maximum?: number; inclusive?: boolean };
  const bound = (kind === 'min' ? raw.minimum : raw.maximum) ?? 0;
  const word = kind === 'min' ? (raw.inclusive === false ? 'more than' : 'at least') : raw.inclusive === false ? 'less than' : 'at most';
  switch (raw.origin) {
    case 'string':
      return kind === 'min' && bound === 1 ? 'must not be empty' : `must be ${word} ${plural(bound, 'character', 'characters')}`;
    case 'array':
      return `must contain ${word} ${plural(bound, 'item', 'items')}`;
    default:
      return `must be ${kind === 'min' ? (raw.inclusive === false ? 'greater than' : 'at least') : word} ${bound}`;
  }
}

/**
 * Error map for safeParse: short, specific messages ("required", "expected integer, got string",
 * "must be one of ..."). Schemas that need a different wording set their own `error`.
 */
export const fieldMessages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${issue.expected === 'int' ? 'integer' : issue.expected}, got ${kindOf(issue.input)}`;
    case 'invalid_value':
      if (issue.input === undefined) return 'required';
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return boundMessage(issue, 'min');
    case 'too_big':
      return boundMessage(issue, 'max');
    case 'unrecognized_keys':
      return 'unknown field';
    default:
      return undefined;
  }
};

function joinPath(prefix: readonly PropertyKey[], key?: string): string {
  const parts = key === undefined ? prefix : [...prefix, key];
  return parts.length === 0 ? ROOT_FIELD : parts.map(String).join('.');
}

/**
 * Turns zod issues into field errors: one per field (the first problem found), and one per unknown key,
 * named by its own path, so `{"titel": ...}` reports `titel: unknown field`.
 */
export function toFieldErrors(
  issues: readonly z.core.$ZodIssue[],
  unknownKeyMessage: (objectPath: readonly PropertyKey[]) => string,
): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const add = (field: string, message: string) => {
    if (seen.has(field)) return;
    seen.add(field);
    errors.push({ field, message });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(joinPath(issue.path, key), unknownKeyMessage(issue.path));
    } else {
      add(joinPath(issue.path), issue.message);
    }
  }
  return errors;
}
