/** A webhook failing this long (every attempt since the first failure) gets a notice, long before the auto-disable. */
export const FAILING_NOTICE_AFTER_MS = 60 * 60_000;

export interface FailingNotice {
  webhookId: string;
  failingForMs: number;
  failures: number;
}

/**
 * Tracks, per webhook, the run of failed attempts this worker saw (retries included: a host that
 * never resolves fails every attempt for hours before any delivery ends), and says once per run
 * when it has lasted `noticeAfterMs`. A delivered attempt ends the run.
 */
export function createFailingTracker(noticeAfterMs = FAILING_NOTICE_AFTER_MS) {
  const runs = new Map<string, { sinceMs: number; failures: number; noticed: boolean }>();
  return {
    /** A failed attempt; returns the notice to raise, once per run. */
    failed(webhookId: string, nowMs: number): FailingNotice | null {
      const run = runs.get(webhookId) ?? { sinceMs: nowMs, failures: 0, noticed: false };
      run.failures += 1;
      runs.set(webhookId, run);
      if (run.noticed || nowMs - run.sinceMs < noticeAfterMs) return null;
      run.noticed = true;
      return { webhookId, failingForMs: nowMs - run.sinceMs, failures: run.failures };
    },
    delivered(webhookId: string): void {
      runs.delete(webhookId);
    },
  };
}

export type FailingTracker = ReturnType<typeof createFailingTracker>;
