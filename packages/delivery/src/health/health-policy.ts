export interface FailureStreak {
  /** Deliveries to the webhook that ended failed or dead in a row, the latest included. */
  consecutiveFailures: number;
  /** When the first of them failed, epoch ms. */
  firstFailureAtMs: number;
}

export interface HealthPolicy {
  /** Disable after this many consecutive failed deliveries... */
  failureThreshold: number;
  /** ...spanning at least this long, so a short outage with a burst of alerts does not disable anything. */
  windowMs: number;
}

/** Whether a failure streak is long enough, in count and in time, to disable the webhook. */
export function shouldDisableForHealth(streak: FailureStreak, policy: HealthPolicy, nowMs: number): boolean {
  return streak.consecutiveFailures >= policy.failureThreshold && nowMs - streak.firstFailureAtMs >= policy.windowMs;
}

/** The webhook's disabled_reason after an automatic disable for failing. */
export function failingReason(streak: FailureStreak): string {
  return `failing: ${streak.consecutiveFailures} consecutive failed deliveries since ${new Date(streak.firstFailureAtMs).toISOString()}`;
}
