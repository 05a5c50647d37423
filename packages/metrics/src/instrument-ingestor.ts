import { isAlertType } from '@herald/core';
import type { AlertIngestor } from '@herald/ingest';
import type { HeraldMetrics } from './herald-metrics';

function typeOf(input: unknown): string | null {
  const type = (input as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : null;
}

/** Counts alerts the ingestor created (not duplicates) by type; the input is valid once a call returns. */
export function instrumentIngestor(ingestor: AlertIngestor, metrics: HeraldMetrics): AlertIngestor {
  const count = (types: (string | null)[], refs: { created: boolean }[]) => {
    refs.forEach((ref, index) => {
      const type = types[index];
      // A type from a newer sender counts as `unknown`: senders must not be able to add label values.
      if (ref.created && type) metrics.alertsIngested(isAlertType(type) ? type : 'unknown');
    });
  };
  return {
    async ingestOne(input, source) {
      const ref = await ingestor.ingestOne(input, source);
      count([typeOf(input)], [ref]);
      return ref;
    },
    async ingestBatch(input, source) {
      const refs = await ingestor.ingestBatch(input, source);
      const alerts = (input as { alerts?: unknown[] } | null)?.alerts ?? [];
      count(alerts.map(typeOf), refs);
      return refs;
    },
    async ingestMapped(alert, source) {
      const ref = await ingestor.ingestMapped(alert, source);
      count([alert.type], [ref]);
      return ref;
    },
    async ingestNormalized(alerts, source) {
      const refs = await ingestor.ingestNormalized(alerts, source);
      count(
        alerts.map((alert) => alert.type),
        refs,
      );
      return refs;
    },
  };
}
