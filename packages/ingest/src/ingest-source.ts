/** Who posted an alert: dedupe keys are unique per source, and a bound source only reaches its organization. */
export interface IngestSource {
  /** Token id, or a stable name for an in-process producer. */
  id: string;
  /** Set for ingestor tokens bound to one organization. */
  orgId: number | null;
}
