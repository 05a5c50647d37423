/** Delay before each retry, in seconds: 5 s up to 12 h, about 31 h of retrying in total. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = [5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200];

const JITTER_FRACTION = 0.2;

/**
 * Milliseconds to wait before the next attempt after `attemptsMade` failed attempts (1 = the first
 * attempt failed), with ±20 % jitter so retries from one outage spread out; null once the schedule
 * is exhausted. `random` returns a number in [0, 1) like Math.random.
 */
export function retryDelayMs(schedule: readonly number[], attemptsMade: number, random: () => number): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) {
    throw new RangeError(`attemptsMade must be a positive integer, got ${attemptsMade}`);
  }
  const baseSeconds = schedule[attemptsMade - 1];
  if (baseSeconds === undefined) return null;
  const jitter = (random() * 2 - 1) * JITTER_FRACTION;
  return Math.round(baseSeconds * 1000 * (1 + jitter));
}
