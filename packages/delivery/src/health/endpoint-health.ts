import type { WebhookType } from '@herald/core';
import type { Logger } from '@herald/config';
import {
  cancelOpenDeliveries,
  createNoticeDeliveries,
  disableWebhook,
  findNoticeReceivers,
  recordWebhookFailure,
  type PrismaClient,
  type SqlSession,
  uuidv7,
} from '@herald/db';
import { deliveryJob, type HeraldQueues } from '@herald/queue';
import type { WebhookDirectory } from '@herald/routing';
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
    const row = await disableWebhook(prisma, webhook.id, reason, nowMs);
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
    await sendNotices(row, reason, nowMs).catch((error: unknown) =>
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
    const receivers = await findNoticeReceivers(prisma, webhook.id);
    if (receivers.length === 0) return;
    const notice = webhookDisabledNotice(webhook, reason, nowMs);
    const deliveries = receivers.map((receiver) => ({
      id: uuidv7(nowMs),
      webhookId: receiver.id,
      payload: renderNotice(notice, receiver.type),
    }));
    await createNoticeDeliveries(prisma, deliveries);
    // If Redis is away, the sweeper enqueues these pending deliveries later.
    await deps.queues.deliveries.addBulk(deliveries.map((d) => deliveryJob({ id: d.id, webhookId: d.webhookId, kind: 'notice' })));
  }

  return {
    async recordFailure(webhook) {
      const nowMs = deps.now();
      const row = await recordWebhookFailure(prisma, webhook.id, nowMs);
      if (!row || row.disabled) return false;
      const streak = { consecutiveFailures: row.consecutiveFailures, firstFailureAtMs: row.firstFailureAtMs };
      if (!shouldDisableForHealth(streak, deps.policy, nowMs)) return false;
      return disable(webhook, 'failing', failingReason(streak));
    },
    disable,
  };
}
