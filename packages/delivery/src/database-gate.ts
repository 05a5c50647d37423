import type { Logger } from '@herald/config';
import { isDatabaseUnavailable, pingDatabase, type SqlSession } from '@herald/db';

export interface DatabaseGateDeps {
  sql: SqlSession;
  logger: Logger;
  /** Stop taking jobs (in-flight ones carry on). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  probeIntervalMs?: number;
}

/**
 * While the database is unreachable the worker takes no jobs: each job would only fail and use
 * up its attempts. The first job to meet the outage closes the gate (pausing the workers); a
 * probe reopens it once `SELECT 1` answers.
 */
export interface DatabaseGate {
  readonly closed: boolean;
  /** True (and the gate closes) when `error` means the database is unreachable. */
  noteError(error: unknown): boolean;
  stop(): void;
}

export function createDatabaseGate(deps: DatabaseGateDeps): DatabaseGate {
  const probeIntervalMs = deps.probeIntervalMs ?? 1_000;
  let closed = false;
  let stopped = false;
  let probeTimer: NodeJS.Timeout | null = null;
  let closedAtMs = 0;

  const probe = async () => {
    probeTimer = null;
    if (stopped) return;
    try {
      await pingDatabase(deps.sql);
    } catch {
      probeTimer = setTimeout(() => void probe(), probeIntervalMs);
      return;
    }
    closed = false;
    deps.logger.info({ pausedMs: Date.now() - closedAtMs }, 'database reachable again: resuming work');
    await deps.resume().catch((error: unknown) => deps.logger.error({ err: error }, 'could not resume the workers'));
  };

  return {
    get closed() {
      return closed;
    },
    noteError(error) {
      if (!isDatabaseUnavailable(error)) return false;
      if (!closed && !stopped) {
        closed = true;
        closedAtMs = Date.now();
        // Only the error's name: connection errors can name hosts and users.
        deps.logger.warn({ errorName: (error as { name?: unknown }).name ?? null }, 'database unreachable: pausing work until it answers');
        void deps.pause().catch(() => undefined);
        probeTimer = setTimeout(() => void probe(), probeIntervalMs);
      }
      return true;
    },
    stop() {
      stopped = true;
      if (probeTimer) clearTimeout(probeTimer);
    },
  };
}
