import type { AlertSummary } from './alert-summary';

/** A new alert as the console's live feed shows it. */
export interface AlertArrivedEvent {
  kind: 'alert';
  /** The alert's organization (null: no organization); who may see the event. */
  org_id: number | null;
  alert: AlertSummary;
}

/** One recorded delivery attempt. */
export interface DeliveryOutcomeEvent {
  kind: 'delivery';
  /** The alert's organization, or the webhook's for digests and notices; who may see the event. */
  org_id: number | null;
  delivery_id: string;
  alert_id: string | null;
  webhook_id: string | null;
  attempt: number;
  /** delivered | retrying | failed | dead */
  status: string;
  status_code: number | null;
  duration_ms: number;
  at: string;
}

/**
 * What the console's live stream (GET /v1/events) carries: published by workers and API processes,
 * received by the console. Type only, so the console can import it without node code.
 */
export type ConsoleEvent = AlertArrivedEvent | DeliveryOutcomeEvent;
