import type { FieldError } from '@herald/core';

/** Input that cannot be accepted; `status` is the HTTP status the API answers with. */
export class AlertRejectedError extends Error {
  constructor(
    readonly status: 400 | 403 | 422,
    readonly errors: FieldError[],
  ) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'AlertRejectedError';
  }
}
