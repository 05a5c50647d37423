import { randomUUID } from 'node:crypto';
import type { Logger } from '@herald/config';
import { deleteAttemptsBefore, type SqlSession } from '@herald/db';
import type { Redis } from 'ioredis';

const DAY_MS = 86_400_000;

export interface PruneAttemptsOptions {
  sql: SqlSession;
  nowMs: number;
  retentionDays: number;
  /** Rows deleted per statement, so no statement holds locks or builds WAL for long. */
  batchSize?: number;
  /** Checked between batches: stop early (the worker is shutting down). */
  shouldStop?: () => boolean;
}

export interface PruneResult {
  deleted: number;
  batches: number;
}

/** Deletes delivery attempts that started before the retention cut-off, a batch at a time. */
export async function pruneDeliveryAttempts(options: PruneAttemptsOptions): Promise<PruneResult> {
  const batchSize = options.batchSize ?? 5_000;
  const cutoff = new Date(options.nowMs - options.retentionDays * DAY_MS);
  let deleted = 0;
  let batches = 0;
  for (;;) {
    const count = await deleteAttemptsBefore(options.sql, cutoff, batchSize);
    batches += 1;
    deleted += count;
    if (count < batchSize || options.shouldStop?.()) return { deleted, batches };
    // Let deliveries have the database between batches.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface AttemptRetentionDeps {
  sql: SqlSession;
  redis: Redis;
  prefix: string;
  logger: Logger;
  now: () => number;
  retentionDays: number;
  /** How often the deployment prunes (default hourly); one worker does it per interval. */
  intervalMs?: number;
  /** First run after start-up (default 1 min: not while a fresh deployment is busy starting). */
  initialDelayMs?: number;
  batchSize?: number;
}

export interface AttemptRetention {
  /** Prunes unless another worker did within the interval; null when it did not run. */
  runOnce(): Promise<PruneResult | null>;
  stop(): Promise<void>;
}

/**
 * Runs the prune on a timer in every worker, guarded by a Redis lock (SET NX PX) held for most
 * of the interval, so the deployment prunes once per interval whatever the number of workers.
 * The lock is not released after a run: it marks "pruned recently". If Redis loses it, a prune
 * runs again early, which is harmless: the delete is idempotent.
 */
export function startAttemptRetention(deps: AttemptRetentionDeps): AttemptRetention {
  const intervalMs = deps.intervalMs ?? 3_600_000;
  const lockKey = `${deps.prefix}:lock:attempt-retention`;
  let stopped = false;
  let running: Promise<PruneResult | null> | null = null;

  async function runOnce(): Promise<PruneResult | null> {
    const owner = randomUUID();
    const locked = await deps.redis.set(lockKey, owner, 'PX', Math.max(1_000, Math.floor(intervalMs * 0.9)), 'NX');
    if (locked !== 'OK') return null;
    let result: PruneResult;
    try {
      result = await pruneDeliveryAttempts({
        sql: deps.sql,
        nowMs: deps.now(),
        retentionDays: deps.retentionDays,
        batchSize: deps.batchSize,
        shouldStop: () => stopped,
      });
    } catch (error) {
      // Let the next tick (of any worker) try again instead of waiting out the interval.
      if ((await deps.redis.get(lockKey).catch(() => null)) === owner) await deps.redis.del(lockKey).catch(() => undefined);
      throw error;
    }
    if (result.deleted > 0) deps.logger.info({ ...result, retentionDays: deps.retentionDays }, 'pruned old delivery attempts');
    return result;
  }

  const tick = () => {
    if (stopped || running) return;
    running = runOnce()
      .catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'pruning delivery attempts failed; will try again');
        return null;
      })
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(tick, deps.initialDelayMs ?? 60_000);
  const timer = setInterval(tick, intervalMs);
  first.unref();
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
