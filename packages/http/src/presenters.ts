import { isAlertType } from '@herald/core';
import type { Alert, Delivery, DeliveryAttempt, Webhook } from '@herald/db';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** Who reads a delivery: an organization admin (tenant) is not told the addresses the SSRF guard refused. */
export type Reader = 'operator' | 'tenant';

const SSRF_REFUSAL = /SSRF guard/;

function errorFor(reader: Reader, error: string | null): string | null {
  return reader === 'tenant' && error !== null && SSRF_REFUSAL.test(error) ? 'destination refused by the network policy' : error;
}

export function presentAttempt(attempt: DeliveryAttempt, reader: Reader = 'operator') {
  return {
    attempt: attempt.attemptNumber,
    started_at: iso(attempt.startedAt),
    duration_ms: attempt.durationMs,
    status_code: attempt.statusCode,
    outcome: attempt.outcome,
    error_class: attempt.errorClass,
    error: errorFor(reader, attempt.error),
  };
}

export function presentDelivery(
  delivery: Delivery & { attempts?: DeliveryAttempt[]; webhook?: Pick<Webhook, 'id' | 'name' | 'type' | 'urlMasked'> | null },
  reader: Reader = 'operator',
) {
  return {
    id: delivery.id,
    kind: delivery.kind,
    alert_id: delivery.alertId,
    digest_id: delivery.digestId,
    webhook_id: delivery.webhookId,
    // Kept once the webhook is deleted (webhook_id is then null).
    webhook_name: delivery.webhook?.name ?? delivery.webhookName,
    ...(delivery.webhook
      ? { webhook: { id: delivery.webhook.id, name: delivery.webhook.name, type: delivery.webhook.type, url: delivery.webhook.urlMasked } }
      : {}),
    status: delivery.status,
    attempt_count: delivery.attemptCount,
    next_attempt_at: iso(delivery.nextAttemptAt),
    last_status_code: delivery.lastStatusCode,
    last_error: errorFor(reader, delivery.lastError),
    created_at: iso(delivery.createdAt),
    delivered_at: iso(delivery.deliveredAt),
    latency_ms: delivery.latencyMs,
    ...(delivery.attempts ? { attempts: delivery.attempts.map((attempt) => presentAttempt(attempt, reader)) } : {}),
  };
}

export function presentAlert(alert: Alert, deliveries?: Parameters<typeof presentDelivery>[0][], reader: Reader = 'operator') {
  return {
    id: alert.id,
    type: alert.type,
    // A type from a newer sender (or none, `unknown`), saved and delivered as is.
    ...(isAlertType(alert.type) ? {} : { unknown_type: true }),
    severity: alert.severity,
    title: alert.title,
    message: alert.message,
    printer_id: alert.printerId,
    printer_name: alert.printerName,
    org_id: alert.orgId,
    timestamp: alert.occurredAt.getTime() / 1000,
    received_at: iso(alert.receivedAt),
    dedupe_key: alert.dedupeKey,
    data: alert.data ?? null,
    status: alert.status,
    status_reason: alert.statusReason,
    digest_id: alert.digestId,
    ...(deliveries ? { deliveries: deliveries.map((delivery) => presentDelivery(delivery, reader)) } : {}),
  };
}
