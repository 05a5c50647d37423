import type { WebhookType } from '@herald/core';
import type { Logger } from '@herald/config';
import { type PrismaClient, type SqlSession, uuidv7 } from '@herald/db';
import { deliveryJob, type HeraldQueues } from '@herald/queue';
import type { WebhookDirectory } from '../directory/webhook-directory';
import { cancelOpenDeliveries } from '../deliver/delivery-recorder';
import { failingReason, shouldDisableForHealth, type HealthPolicy } from './health-policy';
import { renderNotice, webhookDisabledNotice } from './webhook-disabled-notice';

/** Reported once per automatic disable (for metrics); carries no URL. */
export interface WebhookDisabledEvent {
  webhookId: string;
  webhookType: WebhookType;
  /** `gone`: Discord or Slack said the webhook was deleted; `failing`: the health rule. */
  cause: 'gone' | 'failing';
  reason: string;
}

export interface EndpointHealthDeps {
  prisma: PrismaClient;
  sql: SqlSession;
  queues: HeraldQueues;
  directory: WebhookDirectory;
  logger: Logger;
  now: () => number;
  policy: HealthPolicy;
  onWebhookDisabled?(event: WebhookDisabledEvent): void;
}

interface WebhookRef {
  id: string;
  type: WebhookType;
}

/** Tracks each webhook's run of failed deliveries and disables the ones that keep failing. */
export interface EndpointHealth {
  /** A delivery to the webhook ended failed or dead. Returns true when that disabled the webhook. */
  recordFailure(webhook: WebhookRef): Promise<boolean>;
  /** Disables the webhook now (no-op if already disabled); see `disableWebhook`. */
  disable(webhook: WebhookRef, cause: WebhookDisabledEvent['cause'], reason: string): Promise<boolean>;
}

export function createEndpointHealth(deps: EndpointHealthDeps): EndpointHealth {
  const { prisma, logger } = deps;

  async function disable(webhook: WebhookRef, cause: WebhookDisabledEvent['cause'], reason: string): Promise<boolean> {
    const nowMs = deps.now();
    // Only the first worker to get here disables it, logs and notifies.
    const [row] = await prisma.$queryRaw<{ id: string; name: string; type: WebhookType; org_id: number | null }[]>`
      UPDATE webhooks SET disabled_reason = ${reason}, disabled_at = ${new Date(nowMs)}, updated_at = ${new Date(nowMs)}
      WHERE id = ${webhook.id}::uuid AND disabled_reason IS NULL
      RETURNING id::text AS id, name, type::text AS type, org_id`;
    if (!row) return false;
    await deps.directory.announceChange();
    const cancelled = await cancelOpenDeliveries(deps.sql, webhook.id, `webhook disabled: ${reason}`);
    logger.warn(
      {
        event: 'webhook_disabled',
        webhookId: row.id,
        webhookName: row.name,
        webhookType: row.type,
        cause,
        reason,
        cancelledDeliveries: cancelled,
      },
      'webhook_disabled',
    );
    deps.onWebhookDisabled?.({ webhookId: row.id, webhookType: row.type, cause, reason });
    await sendNotices({ id: row.id, name: row.name, type: row.type, orgId: row.org_id }, reason, nowMs).catch((error: unknown) =>
      logger.error({ err: error, webhookId: row.id }, 'could not queue the webhook_disabled notices'),
    );
    return true;
  }

  /** One notice delivery to every enabled system webhook but the disabled one. */
  async function sendNotices(
    webhook: { id: string; name: string; type: WebhookType; orgId: number | null },
    reason: string,
    nowMs: number,
  ) {
    const receivers = await prisma.webhook.findMany({
      where: { orgId: null, enabled: true, disabledReason: null, id: { not: webhook.id } },
      select: { id: true, type: true },
    });
    if (receivers.length === 0) return;
    const notice = webhookDisabledNotice(webhook, reason, nowMs);
    const deliveries = receivers.map((receiver) => ({
      id: uuidv7(nowMs),
      kind: 'notice' as const,
      webhookId: receiver.id,
      payload: renderNotice(notice, receiver.type),
    }));
    await prisma.delivery.createMany({ data: deliveries });
    // If Redis is away, the sweeper enqueues these pending deliveries later.
    await deps.queues.deliveries.addBulk(deliveries.map((d) => deliveryJob({ id: d.id, webhookId: d.webhookId, kind: 'notice' })));
  }

  return {
    async recordFailure(webhook) {
      const nowMs = deps.now();
      const [row] = await prisma.$queryRaw<{ consecutive_failures: number; first_failure_at: Date; disabled_reason: string | null }[]>`
        UPDATE webhooks
        SET consecutive_failures = consecutive_failures + 1, first_failure_at = COALESCE(first_failure_at, ${new Date(nowMs)})
        WHERE id = ${webhook.id}::uuid
        RETURNING consecutive_failures, first_failure_at, disabled_reason`;
      if (!row || row.disabled_reason !== null) return false;
      const streak = { consecutiveFailures: Number(row.consecutive_failures), firstFailureAtMs: row.first_failure_at.getTime() };
      if (!shouldDisableForHealth(streak, deps.policy, nowMs)) return false;
      return disable(webhook, 'failing', failingReason(streak));
    },
    disable,
  };
}
