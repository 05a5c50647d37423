import {
  buildRoutingTable,
  formatDigestPayload,
  selectWebhooksForAlert,
  toAlertView,
  type AlertView,
  type WebhookType,
} from '@herald/core';
import { type PrismaClient, uuidv7 } from '@herald/db';
import { deliveryJob, type HeraldQueues } from '@herald/queue';
import type { ClaimedDigest } from './digest-claims';
import type { DigestPresentation } from './digest-label';

export interface DispatchDigestDeps {
  prisma: PrismaClient;
  queues: HeraldQueues;
  now: () => number;
}

export interface DispatchResult {
  alertCount: number;
  deliveryCount: number;
}

interface DigestTarget {
  id: string;
  type: WebhookType;
  alertTypes: string[];
  severities: string[];
  orgId: number | null;
}

/**
 * Sends one claimed digest: marks the scope's held alerts as belonging to it (so no alert is in
 * two digests), renders one payload per receiving webhook in its format, and hands the
 * deliveries to the ordinary delivery queue (same retries, idempotency header and attempt records).
 * Every step can run again after a crash without sending twice: deliveries are unique per
 * (digest, webhook) and their job ids are the delivery ids.
 */
export async function dispatchDigest(
  deps: DispatchDigestDeps,
  digest: ClaimedDigest,
  presentation: Pick<DigestPresentation, 'windowLabel' | 'digestWhenEmpty'>,
): Promise<DispatchResult> {
  const { prisma } = deps;
  // Stragglers from earlier windows of the same scope (alerts that arrived late) ride along.
  await prisma.alert.updateMany({
    where: { quietScope: digest.scopeKey, status: 'suppressed', digestId: null, occurredAt: { lt: new Date(digest.windowEndMs) } },
    data: { digestId: digest.id },
  });
  const rows = await prisma.alert.findMany({ where: { digestId: digest.id }, orderBy: { occurredAt: 'asc' } });
  const alerts: AlertView[] = rows.map(toAlertView);

  const [webhooks, enterpriseOrgs] = await Promise.all([
    prisma.webhook.findMany({
      where: { enabled: true, disabledReason: null },
      select: { id: true, type: true, alertTypes: true, severities: true, orgId: true },
    }),
    prisma.organization.findMany({ where: { enterprise: true }, select: { id: true } }),
  ]);
  const table = buildRoutingTable<DigestTarget>(
    webhooks,
    enterpriseOrgs.map((o) => o.id),
  );

  // Each webhook gets a digest of exactly the alerts it would have received.
  const alertsByWebhook = new Map<string, { webhook: DigestTarget; alerts: AlertView[] }>();
  for (const alert of alerts) {
    for (const webhook of selectWebhooksForAlert(alert, table)) {
      const entry = alertsByWebhook.get(webhook.id) ?? { webhook, alerts: [] };
      entry.alerts.push(alert);
      alertsByWebhook.set(webhook.id, entry);
    }
  }
  if (alerts.length === 0 && presentation.digestWhenEmpty) {
    const orgWebhooks =
      digest.orgId !== null && table.enterpriseOrgIds.has(digest.orgId) ? (table.webhooksByOrg.get(digest.orgId) ?? []) : [];
    for (const webhook of [...table.systemWebhooks, ...orgWebhooks]) alertsByWebhook.set(webhook.id, { webhook, alerts: [] });
  }

  const nowMs = deps.now();
  await prisma.delivery.createMany({
    data: [...alertsByWebhook.values()].map(({ webhook, alerts: webhookAlerts }) => ({
      id: uuidv7(nowMs),
      kind: 'digest' as const,
      digestId: digest.id,
      webhookId: webhook.id,
      payload: formatDigestPayload(webhook.type, {
        scope: digest.orgId === null ? 'system' : 'organization',
        orgId: digest.orgId,
        windowStartMs: digest.windowStartMs,
        windowEndMs: digest.windowEndMs,
        timezone: digest.timezone,
        windowLabel: presentation.windowLabel,
        alerts: webhookAlerts,
      }) as object,
    })),
    skipDuplicates: true,
  });
  const pending = await prisma.delivery.findMany({
    where: { digestId: digest.id, status: 'pending' },
    select: { id: true, webhookId: true },
  });
  if (pending.length > 0) {
    await deps.queues.deliveries.addBulk(
      pending.flatMap((d) => (d.webhookId === null ? [] : [deliveryJob({ id: d.id, webhookId: d.webhookId, kind: 'digest' })])),
    );
  }
  await prisma.digest.update({
    where: { id: digest.id },
    data: { status: alertsByWebhook.size === 0 ? 'empty' : 'dispatched', alertCount: alerts.length, dispatchedAt: new Date(nowMs) },
  });
  return { alertCount: alerts.length, deliveryCount: alertsByWebhook.size };
}
