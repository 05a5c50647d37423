/**
 * An alert as the console's live feed shows it: read from the store, published on the console-events
 * channel and received by the console. Type only, so the console can import it without node code.
 */
export interface AlertSummary {
  id: string;
  type: string;
  severity: string;
  title: string;
  printer_id: number;
  printer_name: string | null;
  org_id: number | null;
  status: string;
  status_reason: string | null;
  /** When it happened, seconds since the epoch. */
  timestamp: number;
  /** ISO 8601, UTC. */
  received_at: string;
}
