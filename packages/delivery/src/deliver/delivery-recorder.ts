import type { SendResult } from '@herald/sender';
import type { AttemptOutcome } from './attempt-outcome';

export interface RecordAttemptInput {
  deliveryId: string;
  /** Set to end the webhook's failure streak when the attempt delivered. */
  webhookId?: string;
  alertId: string | null;
  attemptNumber: number;
  startedAtMs: number;
  result: SendResult;
  outcome: AttemptOutcome;
  /** Alert receipt time, for the ingest → 2xx latency. */
  receivedAtMs: number | null;
  nowMs: number;
  /** The alert's organization (the webhook's for digests and notices), for the console's event stream. */
  orgId?: number | null;
}
