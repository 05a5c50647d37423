import { createLogger } from '@herald/config';
import { runDigestTick, type DigestTickResult } from '@herald/digest';
import type { Harness } from './herald-harness';

const logger = createLogger({ log: { level: 'silent', pretty: false } }, 'digest-test');

/** One digest tick against the harness's database and queues, at the test's clock. */
export function digestTickAt(herald: Harness, nowMs: number, processId: string, claimStaleAfterMs = 120_000): Promise<DigestTickResult> {
  return runDigestTick({
    prisma: herald.context.database.prisma,
    sql: herald.context.database.sql,
    queues: herald.context.queues,
    logger,
    now: () => nowMs,
    catchUpMs: 24 * 3_600_000,
    claimStaleAfterMs,
    processId,
  });
}
