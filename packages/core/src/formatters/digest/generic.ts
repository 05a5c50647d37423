import type { AlertType, Severity } from '../../alerts/alert-types';
import { countBySeverity, countByType, DIGEST_MAX_LISTED_ALERTS, orderByImportance, type DigestView } from './digest-view';

export interface GenericDigestAlert {
  id: string;
  type: AlertType;
  severity: Severity;
  title: string;
  printer_id: number;
  printer_name: string | null;
  /** Epoch seconds, fractional to the millisecond like O.D.I.N.'s alert timestamps. */
  timestamp: number;
}

export interface GenericDigestPayload {
  type: 'quiet_hours_digest';
  scope: 'system' | 'organization';
  /** Present only for an organization's digest. */
  org_id?: number;
  window_start: number;
  window_end: number;
  alert_count: number;
  /** Only the types that occurred, largest count first. */
  counts_by_type: Partial<Record<AlertType, number>>;
  /** Every severity, most severe first, zero when absent. */
  counts_by_severity: Record<Severity, number>;
  /** The most severe, then newest, alerts: at most 50. */
  alerts: GenericDigestAlert[];
  /** Whether alerts were left out of `alerts`. */
  truncated: boolean;
}

export function formatGenericDigest(digest: DigestView): GenericDigestPayload {
  const listed = orderByImportance(digest.alerts).slice(0, DIGEST_MAX_LISTED_ALERTS);
  return {
    type: 'quiet_hours_digest',
    scope: digest.scope,
    ...(digest.scope === 'organization' && digest.orgId !== null ? { org_id: digest.orgId } : {}),
    window_start: digest.windowStartMs / 1000,
    window_end: digest.windowEndMs / 1000,
    alert_count: digest.alerts.length,
    counts_by_type: Object.fromEntries(countByType(digest.alerts)),
    counts_by_severity: countBySeverity(digest.alerts),
    alerts: listed.map((alert) => ({
      id: alert.id,
      type: alert.type,
      severity: alert.severity,
      title: alert.title,
      printer_id: alert.printerId,
      printer_name: alert.printerName,
      timestamp: alert.occurredAtMs / 1000,
    })),
    truncated: digest.alerts.length > listed.length,
  };
}
