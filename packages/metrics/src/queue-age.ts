import type { Queue } from 'bullmq';

/**
 * Age of the oldest job in the wait list, counted from when it became ready: a retried job waited
 * out its delay after it was last processed, so its creation time would overstate the wait.
 */
export async function oldestWaitingAgeSeconds(queue: Queue, nowMs: number): Promise<number> {
  const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
  if (!oldest) return 0;
  const readyAtMs = (oldest.processedOn ?? oldest.timestamp) + (oldest.delay ?? 0);
  return Math.max(0, (nowMs - readyAtMs) / 1000);
}
