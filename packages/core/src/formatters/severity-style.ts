import type { Severity } from '../alerts/alert-types';

/** The marker that leads a title in chat formats: red, orange, green circle. */
export const SEVERITY_MARKER: Record<Severity, string> = {
  critical: '\u{1F534}',
  warning: '\u{1F7E0}',
  info: '\u{1F7E2}',
};

/** ntfy priorities: 5 max (critical), 4 high (warning), 3 default (info). */
export const NTFY_PRIORITY: Record<Severity, 3 | 4 | 5> = { critical: 5, warning: 4, info: 3 };

/** ntfy tags that ntfy shows as emoji. */
export const NTFY_SEVERITY_TAG: Record<Severity, string> = { critical: 'rotating_light', warning: 'warning', info: 'information_source' };

/** Pushover priorities: 1 high, 0 normal, -1 quiet. Never 2 (emergency), which needs receipts. */
export const PUSHOVER_PRIORITY: Record<Severity, -1 | 0 | 1> = { critical: 1, warning: 0, info: -1 };

/** Adaptive Card text colours. */
export const TEAMS_COLOR: Record<Severity, 'Attention' | 'Warning' | 'Good'> = { critical: 'Attention', warning: 'Warning', info: 'Good' };

/** "2025-02-25 10:40:00 UTC" */
export function utcTimeLabel(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
