import type { Logger } from '@herald/config';
import { readAlertSummaries, type SqlSession } from '@herald/db';
import type { ConsoleEventPublisher } from '@herald/queue';
import type { AlertIngestor } from './alert-ingestor';
import type { SavedAlertRef } from './alert-writer';

export interface AlertArrivalsDeps {
  sql: SqlSession;
  publisher: ConsoleEventPublisher;
  logger: Logger;
  /** New alerts gathered this long are read back in one statement. */
  gatherMs?: number;
}

/**
 * Tells the console's event stream about every new alert, after it is saved and routed: the ids
 * of a short interval are read back together (status and organization as saved), off the request path.
 */
export function announcingArrivals(ingestor: AlertIngestor, deps: AlertArrivalsDeps): AlertIngestor & { flush(): Promise<void> } {
  let pending: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  let reading: Promise<void> = Promise.resolve();

  async function announce(ids: string[]): Promise<void> {
    try {
      for (const alert of await readAlertSummaries(deps.sql, ids)) deps.publisher.publish({ kind: 'alert', org_id: alert.org_id, alert });
    } catch (error) {
      deps.logger.debug({ err: error }, 'new alerts not announced to the console');
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length > 0) {
      const ids = pending;
      pending = [];
      reading = reading.then(() => announce(ids));
    }
    return reading;
  }

  function note(refs: SavedAlertRef[]): void {
    for (const ref of refs) if (ref.created) pending.push(ref.id);
    if (pending.length >= 500) void flush();
    else if (pending.length > 0 && !timer) {
      timer = setTimeout(() => void flush(), deps.gatherMs ?? 50);
      timer.unref();
    }
  }

  return {
    async ingestOne(input, source) {
      const ref = await ingestor.ingestOne(input, source);
      note([ref]);
      return ref;
    },
    async ingestBatch(input, source) {
      const refs = await ingestor.ingestBatch(input, source);
      note(refs);
      return refs;
    },
    async ingestMapped(alert, source) {
      const ref = await ingestor.ingestMapped(alert, source);
      note([ref]);
      return ref;
    },
    async ingestNormalized(alerts, source) {
      const refs = await ingestor.ingestNormalized(alerts, source);
      note(refs);
      return refs;
    },
    async flush() {
      await flush();
      await deps.publisher.close();
    },
  };
}
