import type { Severity } from '../alerts/alert-types';
import { formatWindowLabel, type QuietHoursSetting, type QuietWindow } from './setting';
import { quietWindowContaining } from './windows';

export type QuietHoursScope = 'system' | `org:${number}`;

export type DeliveryDecision = { action: 'deliver' } | { action: 'suppress'; scope: QuietHoursScope; window: QuietWindow; reason: string };

export interface DecideDeliveryInput {
  alert: { severity: Severity; occurredAtMs: number; orgId: number | null };
  systemQuietHours: QuietHoursSetting | null;
  /** The quiet hours of the alert's organization (ignored when the alert has none). */
  orgQuietHours: QuietHoursSetting | null;
}

/**
 * Deliver now, or hold the alert for the quiet-hours digest.
 *
 * An alert from an organization whose quiet hours are enabled follows the organization's window for
 * every delivery, whatever the system window says; every other alert follows the system window.
 * The deciding setting's bypass severities go through even inside its window.
 */
export function decideDelivery(input: DecideDeliveryInput): DeliveryDecision {
  const { alert, systemQuietHours, orgQuietHours } = input;
  const orgDecides = alert.orgId !== null && orgQuietHours !== null && orgQuietHours.enabled;
  const setting = orgDecides ? orgQuietHours : systemQuietHours;
  if (!setting) return { action: 'deliver' };

  const window = quietWindowContaining(setting, alert.occurredAtMs);
  if (!window || setting.bypassSeverities.includes(alert.severity)) return { action: 'deliver' };

  const label = formatWindowLabel(setting);
  if (orgDecides && alert.orgId !== null) {
    return {
      action: 'suppress',
      scope: `org:${alert.orgId}`,
      window,
      reason: `quiet hours (org ${alert.orgId}, ${label})`,
    };
  }
  return { action: 'suppress', scope: 'system', window, reason: `quiet hours (system, ${label})` };
}
