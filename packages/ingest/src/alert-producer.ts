import type { AlertIngestor } from './alert-ingestor';
import type { IngestSource } from './ingest-source';

/**
 * The in-process producer library for ingestors running beside Herald: same validation and
 * durability as `POST /v1/alerts` (saved before it resolves, enqueued or swept later).
 */
export interface AlertProducer {
  enqueueAlert(input: unknown): Promise<{ id: string; created: boolean }>;
  enqueueAlerts(inputs: unknown[]): Promise<{ id: string; created: boolean }[]>;
}

export function createAlertProducer(ingestor: AlertIngestor, source: IngestSource): AlertProducer {
  return {
    enqueueAlert: (input) => ingestor.ingestOne(input, source),
    enqueueAlerts: (inputs) => ingestor.ingestBatch({ alerts: inputs }, source),
  };
}
