import { recordIngestSourceUsage, type IngestSourceUsage, type SqlSession } from '@herald/db';
import type { Logger } from '@herald/config';

export type IngestOutcome = 'accepted' | 'rejected' | 'test';

export interface SourceUsageRecorder {
  /** Counts one request of a source; written with others within a second, not one write per request. */
  note(sourceId: string, outcome: IngestOutcome, atMs: number): void;
  /** Writes what has been counted (before a listing is read, and at shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const FLUSH_DELAY_MS = 1_000;

/**
 * Accepted/rejected counts, last use and last test of ingest sources, gathered in memory and added to
 * their rows in one statement per second at most, so an ingest URL costs no extra write per alert.
 * A crash loses at most the last second's counts; alerts themselves are saved before they are answered.
 */
export function createSourceUsageRecorder(deps: { sql: SqlSession; logger: Logger }): SourceUsageRecorder {
  let pending = new Map<string, IngestSourceUsage>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = [...pending.values()];
    pending = new Map();
    writing = writing.then(() =>
      recordIngestSourceUsage(deps.sql, batch).catch((error: unknown) => {
        deps.logger.warn({ err: error, sources: batch.length }, 'could not record ingest source usage');
      }),
    );
    return writing;
  }

  return {
    note(sourceId, outcome, atMs) {
      const at = new Date(atMs);
      let usage = pending.get(sourceId);
      if (!usage) {
        usage = { sourceId, accepted: 0, rejected: 0, lastUsedAt: at, lastTestAt: null };
        pending.set(sourceId, usage);
      }
      usage.lastUsedAt = at;
      if (outcome === 'accepted') usage.accepted += 1;
      else if (outcome === 'rejected') usage.rejected += 1;
      else usage.lastTestAt = at;
      if (!timer) {
        timer = setTimeout(() => void flush(), FLUSH_DELAY_MS);
        timer.unref();
      }
    },
    flush,
    close: flush,
  };
}
