import { type AlertRecord, type FieldError, type NormalizedAlertInput, parseAlertBatch, parseAlertInput } from '@herald/core';
import type { SqlSession } from '@herald/db';
import type { HeraldQueues } from '@herald/queue';
import type { Logger } from '@herald/config';
import { saveAlerts, type SavedAlertRef } from './alert-writer';
import { enqueueSavedAlerts } from './alert-dispatch';
import { AlertRejectedError } from './ingest-errors';
import type { IngestSource } from './ingest-source';

export interface AlertIngestorDeps {
  sql: SqlSession;
  queues: HeraldQueues;
  logger: Logger;
  now?: () => number;
  /**
   * Routes newly saved alerts to their webhooks at once (fan-out at ingest: delivery records and
   * jobs created before the request is answered). Without it, or when it fails, the alerts go to
   * the fan-out queue for a worker to route.
   */
  dispatch?(alerts: AlertRecord[]): Promise<void>;
}

export interface AlertIngestor {
  /** Validates, saves, then enqueues one alert; throws AlertRejectedError for bad input. */
  ingestOne(input: unknown, source: IngestSource): Promise<SavedAlertRef>;
  /** All-or-nothing for `{ alerts: [...] }`: one bad item rejects the batch, naming its index. */
  ingestBatch(input: unknown, source: IngestSource): Promise<SavedAlertRef[]>;
  /** For in-process producers that already hold parsed alerts. */
  ingestNormalized(alerts: NormalizedAlertInput[], source: IngestSource): Promise<SavedAlertRef[]>;
}

export function createAlertIngestor(deps: AlertIngestorDeps): AlertIngestor {
  const now = deps.now ?? Date.now;

  async function ingestNormalized(alerts: NormalizedAlertInput[], source: IngestSource): Promise<SavedAlertRef[]> {
    const nowMs = now();
    const { refs, created } = await saveAlerts(deps.sql, alerts, source, nowMs);
    const createdIds = created.map((alert) => alert.id);
    if (created.length > 0 && deps.dispatch) {
      try {
        await deps.dispatch(created);
        return refs;
      } catch (error) {
        // Saved either way: a worker routes them from the fan-out queue, or the sweeper re-enqueues.
        deps.logger.warn({ err: error, count: createdIds.length }, 'routing at ingest failed: alerts handed to the fan-out queue');
      }
    }
    const enqueued = await enqueueSavedAlerts(deps.queues, createdIds);
    if (!enqueued) {
      deps.logger.warn({ count: createdIds.length }, 'redis unavailable: alerts saved, the sweeper will enqueue them');
    }
    return refs;
  }

  return {
    async ingestOne(input, source) {
      const parsed = parseAlertInput(input, { nowMs: now() });
      if (!parsed.ok) throw new AlertRejectedError(400, parsed.errors);
      const [ref] = await ingestNormalized([parsed.alert], source);
      return ref as SavedAlertRef;
    },
    async ingestBatch(input, source) {
      const parsed = parseAlertBatch(input, { nowMs: now() });
      if (!parsed.ok) throw new AlertRejectedError(400, parsed.errors);
      return ingestNormalized(parsed.alerts, source);
    },
    ingestNormalized,
  };
}

export type { FieldError };
