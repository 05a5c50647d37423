import type { ResolvedWebhook } from '@herald/routing';

/** Why a delivery has to wait before it may send. */
export type WaitReason = 'rate' | 'paused' | 'busy';

export type Reservation =
  /** Send now; the in-flight lease is held until `release`. */
  | { waitMs: 0 }
  /**
   * Wait this long. For `rate` the slot at that time is already held for this delivery (send
   * without reserving again); for `paused` (the endpoint or host answered 429) and `busy` (too
   * many requests in flight to the endpoint) nothing is held.
   */
  | { waitMs: number; reason: WaitReason };

export interface ReserveOptions {
  /** Names the in-flight lease: the delivery id, so a delivery picked up again after a crash reuses its own lease. */
  leaseId: string;
  /** The delivery reserved a rate slot earlier and it is now due: send without taking another. */
  holdsSlot: boolean;
}

/** Per-endpoint pacing and in-flight cap, shared by every worker. */
export interface EndpointLimiter {
  reserve(webhook: ResolvedWebhook, options: ReserveOptions): Promise<Reservation>;
  /** The request ended: frees the in-flight lease taken by a `waitMs: 0` reservation. */
  release(webhook: ResolvedWebhook, leaseId: string): Promise<void>;
  /** The endpoint answered 429: hold sends to it (or, when `global`, to its whole host) for delayMs. */
  pause(webhook: ResolvedWebhook, delayMs: number, global: boolean): Promise<void>;
}
