import {
  createGroupCommit,
  type AlertRouter,
  type FieldError,
  type NormalizedAlertInput,
  parseAlertBatch,
  parseAlertInput,
} from '@herald/core';
import type { SqlSession } from '@herald/db';
import { firstAttemptsJob, type HeraldQueues } from '@herald/queue';
import { createRepeatedLog, type Logger } from '@herald/config';
import { saveAlerts, saveRoutedAlerts, type RoutedAlerts, type SavedAlertRef } from './alert-writer';
import { enqueueSavedAlerts } from './alert-dispatch';
import { AlertRejectedError } from './ingest-errors';
import type { IngestSource } from './ingest-source';
import { createPrinterRegistration } from './printer-registration';

export interface AlertIngestorDeps {
  sql: SqlSession;
  queues: HeraldQueues;
  logger: Logger;
  now?: () => number;
  /**
   * Routes new alerts as they are saved (delivery records and jobs created before the request is
   * answered), from the router's cache. Without it, when it fails, or when its cache is found
   * stale, the alerts are saved as `queued` and go to the fan-out queue for a worker to route.
   */
  router?: AlertRouter;
}

export interface AlertIngestor {
  /** Validates, saves, then enqueues one alert; throws AlertRejectedError for bad input. */
  ingestOne(input: unknown, source: IngestSource): Promise<SavedAlertRef>;
  /** All-or-nothing for `{ alerts: [...] }`: one bad item rejects the batch, naming its index. */
  ingestBatch(input: unknown, source: IngestSource): Promise<SavedAlertRef[]>;
  /** One alert already mapped from another format (an ingest URL's body): saved with concurrent ones, as `ingestOne`. */
  ingestMapped(alert: NormalizedAlertInput, source: IngestSource): Promise<SavedAlertRef>;
  /** For in-process producers that already hold parsed alerts. */
  ingestNormalized(alerts: NormalizedAlertInput[], source: IngestSource): Promise<SavedAlertRef[]>;
}

const SINGLES_PER_SAVE = 200;

const createdIds = (refs: SavedAlertRef[]) => refs.filter((ref) => ref.created).map((ref) => ref.id);

export function createAlertIngestor(deps: AlertIngestorDeps): AlertIngestor {
  const now = deps.now ?? Date.now;
  // Redis refusing writes fails every request: one line a minute with a count, not one per alert.
  const redisErrors = createRepeatedLog(deps.logger);
  const registerPrinters = createPrinterRegistration(deps.sql);

  async function ingestNormalized(alerts: NormalizedAlertInput[], source: IngestSource): Promise<SavedAlertRef[]> {
    const refs = await saveAndEnqueue(alerts, source);
    try {
      await registerPrinters(alerts);
    } catch (error) {
      // The alerts are saved and on their way; the printer is registered by its next alert.
      deps.logger.warn({ err: error }, 'could not register new printers');
    }
    return refs;
  }

  async function saveAndEnqueue(alerts: NormalizedAlertInput[], source: IngestSource): Promise<SavedAlertRef[]> {
    const nowMs = now();
    const routed = deps.router ? await saveRouted(deps.router, alerts, source, nowMs) : null;
    if (routed) {
      await enqueueDeliveries(routed);
      return routed.refs;
    }
    const refs = await saveAlerts(deps.sql, alerts, source, nowMs);
    await enqueueForFanOut(createdIds(refs));
    return refs;
  }

  async function saveRouted(router: AlertRouter, alerts: NormalizedAlertInput[], source: IngestSource, nowMs: number) {
    try {
      return await saveRoutedAlerts(deps.sql, alerts, source, nowMs, router);
    } catch (error) {
      // Nothing was saved: the careful path saves them (or fails the same way, and the client retries).
      deps.logger.warn({ err: error, count: alerts.length }, 'routing at ingest failed: alerts go to the fan-out queue');
      return null;
    }
  }

  async function enqueueDeliveries(routed: RoutedAlerts): Promise<void> {
    if (routed.deliveries.length === 0) return;
    try {
      const byAlert = new Map<string, RoutedAlerts['deliveries']>();
      for (const delivery of routed.deliveries) {
        const siblings = byAlert.get(delivery.alertId);
        if (siblings) siblings.push(delivery);
        else byAlert.set(delivery.alertId, [delivery]);
      }
      // One job per alert carries its first attempts; a delivery that has to wait gets a job of its own then.
      await deps.queues.deliveries.addBulk([...byAlert].map(([alertId, deliveries]) => firstAttemptsJob(alertId, deliveries)));
    } catch {
      // The deliveries are saved as pending: a worker re-enqueues them from the fan-out queue, or the sweeper does.
      await enqueueForFanOut(createdIds(routed.refs));
    }
  }

  async function enqueueForFanOut(alertIds: string[]): Promise<void> {
    if (!(await enqueueSavedAlerts(deps.queues, alertIds))) {
      redisErrors.warn({ count: alertIds.length }, 'redis unavailable: alerts saved, the sweeper will enqueue them');
    }
  }

  // Concurrent single-alert requests of one source share a save (group commit); keyed by source
  // because dedupe keys and the organization check are a source's own.
  const singleWriters = new Map<string, (alert: NormalizedAlertInput) => Promise<SavedAlertRef>>();
  function singleAlertWriter(source: IngestSource) {
    const key = `${source.id} ${source.orgId ?? ''}`;
    let writer = singleWriters.get(key);
    if (!writer) {
      writer = createGroupCommit(
        async (alerts: NormalizedAlertInput[]) =>
          (await ingestNormalized(alerts, source)).map((value) => ({ status: 'fulfilled', value }) as const),
        // A shared save refused for one alert (say, a foreign printer) is redone alert by alert: only its own request fails.
        { maxSize: SINGLES_PER_SAVE, retryAlone: (error) => error instanceof AlertRejectedError },
      );
      singleWriters.set(key, writer);
    }
    return writer;
  }

  return {
    async ingestOne(input, source) {
      const parsed = parseAlertInput(input, { nowMs: now() });
      if (!parsed.ok) throw new AlertRejectedError(400, parsed.errors);
      return singleAlertWriter(source)(parsed.alert);
    },
    async ingestBatch(input, source) {
      const parsed = parseAlertBatch(input, { nowMs: now() });
      if (!parsed.ok) throw new AlertRejectedError(400, parsed.errors);
      return ingestNormalized(parsed.alerts, source);
    },
    ingestMapped: (alert, source) => singleAlertWriter(source)(alert),
    ingestNormalized,
  };
}

export type { FieldError };
