/** Whether a webhook with this alert-type filter takes an alert of `type`; an empty filter takes every type. */
export function matchesAlertTypeFilter(alertTypes: readonly string[], type: string): boolean {
  return alertTypes.length === 0 || alertTypes.includes(type);
}
