import { type FieldError, type NormalizedAlertInput, parseAlertBatch, parseAlertInput } from '@herald/core';
import type { PrismaClient } from '@herald/db';
import type { HeraldQueues } from '@herald/queue';
import type { Logger } from '@herald/config';
import { saveAlerts, type SavedAlertRef } from './alert-writer';
import { enqueueSavedAlerts } from './alert-dispatch';
import { AlertRejectedError } from './ingest-errors';
import type { IngestSource } from './ingest-source';

export interface AlertIngestorDeps {
  prisma: PrismaClient;
  queues: HeraldQueues;
  logger: Logger;
  now?: () => number;
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
    const refs = await saveAlerts(deps.prisma, alerts, source, nowMs);
    const createdIds = refs.filter((ref) => ref.created).map((ref) => ref.id);
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
