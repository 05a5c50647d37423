import type { RejectionCode } from './destination';

/** The `code` of errors the guarded connector fails a connection with; the sender maps it to an unrecoverable failure. */
export const SSRF_BLOCKED_CODE = 'HERALD_SSRF_BLOCKED';

/** A send refused by the SSRF guard. The message names the reason, never the URL or the host name. */
export class SsrfBlockedError extends Error {
  readonly code = SSRF_BLOCKED_CODE;

  constructor(
    readonly rejection: RejectionCode,
    reason: string,
  ) {
    super(`destination blocked by the SSRF guard: ${reason}`);
    this.name = 'SsrfBlockedError';
  }
}

/** True for an SsrfBlockedError, also one that crossed a module boundary (checked by code). */
export function isSsrfBlockedError(error: unknown): error is Error & { code: typeof SSRF_BLOCKED_CODE } {
  return error instanceof Error && (error as { code?: unknown }).code === SSRF_BLOCKED_CODE;
}
