import type { Logger } from './logger';

/**
 * Logs an error once per interval however often it repeats (Redis out of memory can fail every
 * job many times a second): the first occurrence at once, then one line per interval with how
 * many times it happened meanwhile. Keyed by the message, so different errors are not folded.
 */
export function createRepeatedLog(logger: Pick<Logger, 'warn'>, intervalMs = 60_000, now: () => number = Date.now) {
  const seen = new Map<string, { untilMs: number; suppressed: number; fields: Record<string, unknown>; message: string }>();
  const timer = setInterval(() => flush(false), intervalMs);
  timer.unref();
  function flush(all: boolean) {
    const nowMs = now();
    for (const [key, entry] of seen) {
      if (!all && entry.untilMs > nowMs) continue;
      if (entry.suppressed > 0) {
        logger.warn({ ...entry.fields, repeated: entry.suppressed, intervalMs }, `${entry.message} (repeated ${entry.suppressed} times)`);
      }
      seen.delete(key);
    }
  }
  return {
    warn(fields: Record<string, unknown>, message: string, key = `${message}: ${String(fields.err ?? '')}`.slice(0, 300)) {
      const entry = seen.get(key);
      if (entry && entry.untilMs > now()) {
        entry.suppressed += 1;
        entry.fields = fields;
        return;
      }
      if (entry && entry.suppressed > 0) {
        logger.warn({ ...entry.fields, repeated: entry.suppressed, intervalMs }, `${entry.message} (repeated ${entry.suppressed} times)`);
      }
      seen.set(key, { untilMs: now() + intervalMs, suppressed: 0, fields, message });
      logger.warn(fields, message);
    },
    stop() {
      clearInterval(timer);
      flush(true);
    },
  };
}
