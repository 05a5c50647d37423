import os from 'node:os';
import { randomBytes } from 'node:crypto';
import cron from 'node-cron';
import type { HeraldConfig, Logger } from '@herald/config';
import type { PrismaClient, SqlSession } from '@herald/db';
import type { HeraldQueues } from '@herald/queue';
import { runDigestTick } from './digest-tick';

export interface DigestServiceDeps {
  config: HeraldConfig;
  prisma: PrismaClient;
  sql: SqlSession;
  queues: HeraldQueues;
  logger: Logger;
  now?: () => number;
}

export interface DigestService {
  /** Runs one tick now (the cron calls the same). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/** node-cron ticks the digest (every minute by default); a tick never overlaps the previous one. */
export function startDigestService(deps: DigestServiceDeps): DigestService {
  const processId = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const now = deps.now ?? Date.now;
  let running: Promise<void> | null = null;
  const tick = (): Promise<void> => {
    running ??= runDigestTick({
      prisma: deps.prisma,
      sql: deps.sql,
      queues: deps.queues,
      logger: deps.logger,
      now,
      catchUpMs: deps.config.digest.catchUpHours * 3_600_000,
      claimStaleAfterMs: 120_000,
      processId,
    })
      .then(() => undefined)
      .catch((error: unknown) => deps.logger.error({ err: error }, 'digest tick failed; the next tick retries'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const task = cron.schedule(deps.config.digest.cron, () => void tick(), { noOverlap: true });
  void tick();
  return {
    tick,
    async stop() {
      await task.stop();
      await running;
    },
  };
}
