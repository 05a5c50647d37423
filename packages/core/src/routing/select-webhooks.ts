/** What routing needs to know of a webhook (enabled ones only are passed in). */
export interface RoutableWebhook {
  alertTypes: string[];
  /** Empty or absent: every severity. */
  severities?: readonly string[];
  orgId: number | null;
}

export interface WebhookRoutingTable<W extends RoutableWebhook> {
  systemWebhooks: W[];
  webhooksByOrg: Map<number, W[]>;
  enterpriseOrgIds: Set<number>;
}

function accepts(webhook: RoutableWebhook, alert: { type: string; severity: string }): boolean {
  const severities = webhook.severities ?? [];
  return (
    (webhook.alertTypes.length === 0 || webhook.alertTypes.includes(alert.type)) &&
    (severities.length === 0 || severities.includes(alert.severity))
  );
}

/**
 * Every system webhook whose filters take the alert's type and severity, plus the webhooks of the alert's own
 * organization when that organization holds the Enterprise licence. Another organization's
 * webhooks are never selected.
 */
export function selectWebhooksForAlert<W extends RoutableWebhook>(
  alert: { type: string; severity: string; orgId: number | null },
  table: WebhookRoutingTable<W>,
): W[] {
  const selected = table.systemWebhooks.filter((webhook) => accepts(webhook, alert));
  if (alert.orgId !== null && table.enterpriseOrgIds.has(alert.orgId)) {
    for (const webhook of table.webhooksByOrg.get(alert.orgId) ?? []) {
      if (accepts(webhook, alert)) selected.push(webhook);
    }
  }
  return selected;
}

export function buildRoutingTable<W extends RoutableWebhook>(webhooks: W[], enterpriseOrgIds: Iterable<number>): WebhookRoutingTable<W> {
  const webhooksByOrg = new Map<number, W[]>();
  for (const webhook of webhooks) {
    if (webhook.orgId === null) continue;
    const list = webhooksByOrg.get(webhook.orgId) ?? [];
    list.push(webhook);
    webhooksByOrg.set(webhook.orgId, list);
  }
  return { systemWebhooks: webhooks.filter((w) => w.orgId === null), webhooksByOrg, enterpriseOrgIds: new Set(enterpriseOrgIds) };
}
