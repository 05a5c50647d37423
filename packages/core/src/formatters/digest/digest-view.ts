import { DateTime } from 'luxon';
import { ALERT_TYPES, SEVERITY_RANK, type AlertType, type AlertView, type Severity } from '../../alerts/alert-types';

/** One quiet-hours window's held alerts, as the digest formatters see them. */
export interface DigestView {
  scope: 'system' | 'organization';
  orgId: number | null;
  windowStartMs: number;
  windowEndMs: number;
  timezone: string;
  /** "22:00–07:00 Europe/Berlin" */
  windowLabel: string;
  alerts: AlertView[];
}

/** At most this many alerts are listed individually; the counts always cover all of them. */
export const DIGEST_MAX_LISTED_ALERTS = 50;

export const SEVERITIES_MOST_SEVERE_FIRST: readonly Severity[] = ['critical', 'warning', 'info'];

export { SEVERITY_MARKER } from '../severity-style';

/** Most severe first, then newest first; id breaks ties so the order is stable. */
export function orderByImportance(alerts: readonly AlertView[]): AlertView[] {
  return [...alerts].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.occurredAtMs - a.occurredAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Alert types present with their counts, largest first (ties in the catalogue's order). */
export function countByType(alerts: readonly AlertView[]): Array<[AlertType, number]> {
  const counts = new Map<AlertType, number>();
  for (const alert of alerts) counts.set(alert.type, (counts.get(alert.type) ?? 0) + 1);
  return [...counts.entries()].sort(
    ([typeA, countA], [typeB, countB]) => countB - countA || ALERT_TYPES.indexOf(typeA) - ALERT_TYPES.indexOf(typeB),
  );
}

/** Every severity, most severe first, zero when absent. */
export function countBySeverity(alerts: readonly AlertView[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const alert of alerts) counts[alert.severity] += 1;
  return counts;
}

export function worstSeverity(alerts: readonly AlertView[]): Severity | null {
  let worst: Severity | null = null;
  for (const alert of alerts) {
    if (worst === null || SEVERITY_RANK[alert.severity] > SEVERITY_RANK[worst]) worst = alert.severity;
  }
  return worst;
}

/** "print_failed" → "Print failed" */
export function alertTypeLabel(type: AlertType): string {
  const words = type.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function alertCountText(count: number): string {
  return count === 1 ? '1 alert' : `${count} alerts`;
}

/** "Quiet hours digest: 37 alerts (22:00–07:00 Europe/Berlin)", or "…: all quiet (…)" when empty. */
export function digestHeadline(digest: DigestView): string {
  const summary = digest.alerts.length === 0 ? 'all quiet' : alertCountText(digest.alerts.length);
  return `Quiet hours digest: ${summary} (${digest.windowLabel})`;
}

/** "3 critical, 10 warning, 24 info", leaving out severities with no alerts. */
export function severityBreakdown(alerts: readonly AlertView[]): string {
  const counts = countBySeverity(alerts);
  return SEVERITIES_MOST_SEVERE_FIRST.filter((severity) => counts[severity] > 0)
    .map((severity) => `${counts[severity]} ${severity}`)
    .join(', ');
}

/** Wall-clock time of an alert in the digest's zone, "23:14". */
export function localTimeOf(alert: AlertView, timezone: string): string {
  return DateTime.fromMillis(alert.occurredAtMs, { zone: timezone }).toFormat('HH:mm');
}

export function printerLabel(alert: AlertView): string {
  return alert.printerName ?? `printer ${alert.printerId}`;
}

export const ALL_QUIET_TEXT = 'No alerts were held during quiet hours.';
