import type { Queue } from 'bullmq';

/**
 * Age of the oldest job ready to run (the wait list, and the prioritized set where a new alert's
 * first-attempts job waits), counted from when it became ready: a retried job waited out its delay
 * after it was last processed, so its creation time would overstate the wait.
 */
export async function oldestWaitingAgeSeconds(queue: Queue, nowMs: number): Promise<number> {
  const [oldestWaiting] = await queue.getJobs(['wait'], 0, 0, true);
  // The prioritized set is ordered by priority, then by insertion: a few from its head are the oldest.
  const prioritized = await queue.getJobs(['prioritized'], 0, 9, true);
  const readyAt = [oldestWaiting, ...prioritized]
    .filter((job) => job !== undefined)
    .map((job) => (job.processedOn ?? job.timestamp) + (job.delay ?? 0));
  if (readyAt.length === 0) return 0;
  return Math.max(0, (nowMs - Math.min(...readyAt)) / 1000);
}

/** Jobs ready to run: waiting plus prioritized (first attempts of new alerts). */
export async function readyJobCount(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'prioritized');
  return (counts.waiting ?? 0) + (counts.prioritized ?? 0);
}
