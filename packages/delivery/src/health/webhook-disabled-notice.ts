import { formatAlertPayload, type AlertView, type WebhookType } from '@herald/core';

/** What a webhook_disabled notice says; never the webhook's URL. */
export interface WebhookDisabledNotice {
  type: 'webhook_disabled';
  webhook_id: string;
  name: string;
  webhook_type: WebhookType;
  org_id: number | null;
  reason: string;
  /** Epoch seconds, like an alert's timestamp. */
  timestamp: number;
}

export function webhookDisabledNotice(
  webhook: { id: string; name: string; type: WebhookType; orgId: number | null },
  reason: string,
  nowMs: number,
): WebhookDisabledNotice {
  return {
    type: 'webhook_disabled',
    webhook_id: webhook.id,
    name: webhook.name,
    webhook_type: webhook.type,
    org_id: webhook.orgId,
    reason,
    timestamp: nowMs / 1000,
  };
}

/**
 * The notice in the receiving webhook's format, saved as the delivery's payload (as digests are):
 * generic endpoints get the notice object itself; chat services, which reject other JSON,
 * get it as a message, escaped and cut by the same formatters as alerts.
 */
export function renderNotice(notice: WebhookDisabledNotice, receiverType: WebhookType): object {
  if (receiverType === 'generic') return notice;
  const scope = notice.org_id === null ? 'system webhook' : `webhook of organization ${notice.org_id}`;
  // The alert formatters only read title, message, severity and time.
  const view: AlertView = {
    id: notice.webhook_id,
    type: 'printer_error',
    severity: 'warning',
    title: `Herald disabled the ${scope} "${notice.name}"`,
    message: `Reason: ${notice.reason}. Deliveries to it have stopped; fix the endpoint, then enable the webhook again.`,
    printerId: 0,
    printerName: null,
    orgId: notice.org_id,
    occurredAtMs: Math.round(notice.timestamp * 1000),
  };
  return formatAlertPayload(receiverType, view);
}
