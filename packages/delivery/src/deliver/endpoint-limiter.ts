import type { ResolvedWebhook } from '../directory/resolved-webhook';

export interface Reservation {
  /** 0: send now. Otherwise wait this long; the slot at that time is already held for this delivery. */
  waitMs: number;
}

/** Per-endpoint pacing shared by every worker. */
export interface EndpointLimiter {
  reserve(webhook: ResolvedWebhook): Promise<Reservation>;
  /** The endpoint answered 429/503: hold sends to it (or, when `global`, to its whole host) for delayMs. */
  pause(webhook: ResolvedWebhook, delayMs: number, global: boolean): Promise<void>;
}
