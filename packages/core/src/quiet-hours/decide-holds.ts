import type { Severity } from '../alerts/alert-types';
import { formatWindowLabel, type QuietHoursSetting, type QuietWindow } from './setting';
import { quietWindowContaining } from './windows';

export type QuietHoursScope = 'system' | `org:${number}`;

/**
 * Whose webhooks a hold keeps back: the operator's (system), the alert's organization's, or both
 * (the system window, for an organization without quiet hours of its own).
 */
export type HoldAudience = 'system' | 'organization' | 'all';

/** One quiet-hours scope holding an alert back from its audience until the scope's digest for `window`. */
export interface QuietHold {
  scope: QuietHoursScope;
  audience: HoldAudience;
  window: QuietWindow;
  reason: string;
}

export interface DecideHoldsInput {
  alert: { severity: Severity; occurredAtMs: number; orgId: number | null };
  systemQuietHours: QuietHoursSetting | null;
  /** The quiet hours of the alert's organization (ignored when the alert has none). */
  orgQuietHours: QuietHoursSetting | null;
}

/** The window of `setting` holding the alert now, or null (no setting, outside its window, or a bypass severity). */
function holdingWindow(setting: QuietHoursSetting | null, alert: DecideHoldsInput['alert']): QuietWindow | null {
  if (!setting || setting.bypassSeverities.includes(alert.severity)) return null;
  return quietWindowContaining(setting, alert.occurredAtMs);
}

/**
 * Which quiet-hours scopes hold an alert back, each from its own webhooks (none: deliver it now).
 *
 * The system window governs the system webhooks, always: an organization cannot mute the operator.
 * An organization whose quiet hours are enabled governs its own webhooks with its own window; the
 * webhooks of an organization without enabled quiet hours follow the system window. Each setting's
 * bypass severities go through its own window only.
 */
export function decideQuietHolds(input: DecideHoldsInput): QuietHold[] {
  const { alert, systemQuietHours, orgQuietHours } = input;
  const orgId = alert.orgId;
  const orgOwn = orgId !== null && orgQuietHours !== null && orgQuietHours.enabled ? orgQuietHours : null;
  const holds: QuietHold[] = [];

  const systemWindow = holdingWindow(systemQuietHours, alert);
  if (systemWindow && systemQuietHours) {
    holds.push({
      scope: 'system',
      audience: orgId !== null && !orgOwn ? 'all' : 'system',
      window: systemWindow,
      reason: `quiet hours (system, ${formatWindowLabel(systemQuietHours)})`,
    });
  }
  const orgWindow = holdingWindow(orgOwn, alert);
  if (orgWindow && orgOwn && orgId !== null) {
    holds.push({
      scope: `org:${orgId}`,
      audience: 'organization',
      window: orgWindow,
      reason: `quiet hours (org ${orgId}, ${formatWindowLabel(orgOwn)})`,
    });
  }
  return holds;
}

/** Whether a hold for `audience` keeps the alert from a webhook owned by `webhookOrgId` (null: a system webhook). */
export function holdReaches(audience: HoldAudience, webhookOrgId: number | null): boolean {
  if (audience === 'all') return true;
  return webhookOrgId === null ? audience === 'system' : audience === 'organization';
}
