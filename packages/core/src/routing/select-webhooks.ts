/** What routing needs to know of a webhook (enabled ones only are passed in). */
export interface RoutableWebhook {
  alertTypes: string[];
  orgId: number | null;
}

export interface WebhookRoutingTable<W extends RoutableWebhook> {
  systemWebhooks: W[];
  webhooksByOrg: Map<number, W[]>;
  enterpriseOrgIds: Set<number>;
}

function acceptsType(webhook: RoutableWebhook, type: string): boolean {
  return webhook.alertTypes.length === 0 || webhook.alertTypes.includes(type);
}

/**
 * Every system webhook whose filter takes the type, plus the webhooks of the alert's own
 * organization when that organization holds the Enterprise licence. Another organization's
 * webhooks are never selected.
 */
export function selectWebhooksForAlert<W extends RoutableWebhook>(
  alert: { type: string; orgId: number | null },
  table: WebhookRoutingTable<W>,
): W[] {
  const selected = table.systemWebhooks.filter((webhook) => acceptsType(webhook, alert.type));
  if (alert.orgId !== null && table.enterpriseOrgIds.has(alert.orgId)) {
    for (const webhook of table.webhooksByOrg.get(alert.orgId) ?? []) {
      if (acceptsType(webhook, alert.type)) selected.push(webhook);
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
