import { formatDigestPayload, holdReaches, selectWebhooksForAlert, toAlertView, type AlertView } from '@herald/core';
import {
  assignHeldAlertsToDigest,
  createDigestDeliveries,
  findDigestAlerts,
  findPendingDigestDeliveries,
  markDigestDispatched,
  type ClaimedDigest,
  type PrismaClient,
  type SqlSession,
  uuidv7,
} from '@herald/db';
import { deliveryJob, type HeraldQueues } from '@herald/queue';
import { loadRoutingTable, type RoutingTarget } from '@herald/routing';
import type { DigestPresentation } from './digest-label';

export interface DispatchDigestDeps {
  prisma: PrismaClient;
  sql: SqlSession;
  queues: HeraldQueues;
  now: () => number;
}

export interface DispatchResult {
  alertCount: number;
  deliveryCount: number;
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
  await assignHeldAlertsToDigest(prisma, digest, digest.windowEndMs);
  const rows = await findDigestAlerts(prisma, digest.id);
  const alerts: AlertView[] = rows.map(toAlertView);

  const table = await loadRoutingTable(deps.sql);

  // Each webhook gets a digest of exactly the alerts it would have received and the scope's hold kept
  // from it: the system digest goes to system webhooks (and to the webhooks of an organization without
  // quiet hours of its own), an organization's digest to that organization's webhooks only.
  const alertsByWebhook = new Map<string, { webhook: RoutingTarget; alerts: AlertView[] }>();
  rows.forEach((row, index) => {
    const alert = alerts[index] as AlertView;
    for (const webhook of selectWebhooksForAlert(alert, table)) {
      if (!holdReaches(row.audience, webhook.orgId)) continue;
      const entry = alertsByWebhook.get(webhook.id) ?? { webhook, alerts: [] };
      entry.alerts.push(alert);
      alertsByWebhook.set(webhook.id, entry);
    }
  });
  if (alerts.length === 0 && presentation.digestWhenEmpty) {
    const scopeWebhooks =
      digest.orgId === null
        ? table.systemWebhooks
        : table.enterpriseOrgIds.has(digest.orgId)
          ? (table.webhooksByOrg.get(digest.orgId) ?? [])
          : [];
    for (const webhook of scopeWebhooks) alertsByWebhook.set(webhook.id, { webhook, alerts: [] });
  }

  const nowMs = deps.now();
  await createDigestDeliveries(
    prisma,
    digest.id,
    [...alertsByWebhook.values()].map(({ webhook, alerts: webhookAlerts }) => ({
      id: uuidv7(nowMs),
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
  );
  const pending = await findPendingDigestDeliveries(prisma, digest.id);
  if (pending.length > 0) {
    await deps.queues.deliveries.addBulk(
      pending.flatMap((d) => (d.webhookId === null ? [] : [deliveryJob({ id: d.id, webhookId: d.webhookId, kind: 'digest' })])),
    );
  }
  await markDigestDispatched(prisma, digest.id, { empty: alertsByWebhook.size === 0, alertCount: alerts.length, nowMs });
  return { alertCount: alerts.length, deliveryCount: alertsByWebhook.size };
}
