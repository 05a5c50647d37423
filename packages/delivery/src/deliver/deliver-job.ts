import { isDiscordGlobalRateLimit } from '@herald/core';
import type { Logger } from '@herald/config';
import type { SqlSession } from '@herald/db';
import { deliveryIdOfJob, type DeliveryJobData } from '@herald/queue';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { WebhookDirectory } from '../directory/webhook-directory';
import type { HttpSender, SendResult } from '../sender/http-sender';
import type { EndpointHealth } from '../health/endpoint-health';
import type { EndpointLimiter } from './endpoint-limiter';
import { decideAttemptOutcome } from './attempt-outcome';
import { cancelDelivery, settleAlertStatuses, type RecordAttemptInput } from './delivery-recorder';
import type { LoadedDelivery } from './delivery-loader';
import { buildRequestHeaders } from './request-headers';
import { renderDeliveryBody } from './render-payload';

export interface DeliverDeps {
  sql: SqlSession;
  directory: WebhookDirectory;
  sender: HttpSender;
  limiter: EndpointLimiter;
  health: EndpointHealth;
  logger: Logger;
  now: () => number;
  random: () => number;
  retryScheduleSeconds: number[];
  /** Reads a delivery with its alert (batched across concurrent jobs). */
  loadDelivery(deliveryId: string): Promise<LoadedDelivery | null>;
  /** Records an attempt and the delivery's new state; resolves once written (group commit). */
  writeAttempt(input: RecordAttemptInput): Promise<void>;
  onDeliveryFinished?(event: DeliveryFinishedEvent): void;
}

export interface DeliveryFinishedEvent {
  webhookId: string;
  webhookType: string;
  outcome: 'delivered' | 'failed' | 'dead';
  latencyMs: number | null;
}

/** Job data Herald adds while a delivery waits: throttled attempts do not use up the retry schedule. */
export interface DeliveryJobState extends DeliveryJobData {
  throttledAttempts?: number;
  /** A rate-limit slot already reserved for this delivery (epoch ms): on waking, send without reserving again. */
  slotAtMs?: number;
}

/**
 * What carries one delivery through an attempt: its own BullMQ job (`jobCarrier`), or its alert's
 * first-attempts job, which hands a delivery that has to wait to a job of its own.
 */
export interface DeliveryCarrier {
  readonly deliveryId: string;
  readonly state: DeliveryJobState;
  /** Looks at the delivery again after `delayMs`, keeping `state` (a retry, Retry-After, a rate limit, a busy endpoint). */
  wait(delayMs: number, state: DeliveryJobState): Promise<string>;
  /** The delivery ended failed or dead (already recorded). */
  end(reason: string): Promise<string>;
  /** A reason not to attempt this delivery here (someone else carries it), or null. */
  skip?(delivery: LoadedDelivery): Promise<string | null>;
}

const SLOT_TOLERANCE_MS = 50;
const FINAL_STATUSES = new Set(['delivered', 'failed', 'dead', 'cancelled']);

/**
 * A delivery's own job. Waiting parks the job (`moveToDelayed` + DelayedError; BullMQ measures
 * delays on its own clock, so the due time is taken from the wall clock whatever clock Herald was
 * given: a delay is a duration); an ended delivery fails the job for good.
 */
export function jobCarrier(job: Job<DeliveryJobState>, token: string | undefined): DeliveryCarrier {
  return {
    deliveryId: deliveryIdOfJob(job),
    state: job.data,
    async wait(delayMs, state) {
      if (state.slotAtMs !== job.data.slotAtMs || state.throttledAttempts !== job.data.throttledAttempts) await job.updateData(state);
      await job.moveToDelayed(Date.now() + delayMs, token);
      throw new DelayedError();
    },
    end(reason) {
      throw new UnrecoverableError(reason);
    },
  };
}

/**
 * One HTTP attempt of one delivery. Waiting (retry delay, Retry-After, rate limit, a busy
 * endpoint) is a BullMQ delayed job (the carrier's `wait`), never a sleep in the worker.
 */
export async function deliverJob(deps: DeliverDeps, carrier: DeliveryCarrier): Promise<string> {
  const deliveryId = carrier.deliveryId;
  const delivery = await deps.loadDelivery(deliveryId);
  if (!delivery) return 'missing';
  if (FINAL_STATUSES.has(delivery.status)) {
    // A worker that died between recording the attempt and settling the alert left it open.
    if (delivery.alertId !== null) await settleAlertStatuses(deps.sql, [delivery.alertId]);
    return `already ${delivery.status}`;
  }
  const skipped = (await carrier.skip?.(delivery)) ?? null;
  if (skipped !== null) return skipped;

  const snapshot = await deps.directory.snapshot();
  const webhook = snapshot.webhookById.get(delivery.webhookId);
  if (!webhook) {
    await cancelDelivery(deps.sql, deliveryId, delivery.alertId, 'webhook disabled or deleted');
    return 'cancelled';
  }
  const body = renderDeliveryBody(delivery, webhook.type, webhook.target);
  if (body === null) {
    await cancelDelivery(deps.sql, deliveryId, delivery.alertId, 'nothing to send');
    return 'cancelled';
  }

  const holdsSlot = carrier.state.slotAtMs !== undefined && deps.now() >= carrier.state.slotAtMs - SLOT_TOLERANCE_MS;
  const reservation = await deps.limiter.reserve(webhook, { leaseId: deliveryId, holdsSlot });
  if (reservation.waitMs > 0 && 'reason' in reservation) {
    // A rate slot is ours to keep; after a pause or a busy endpoint the delivery reserves afresh.
    const slotAtMs = reservation.reason === 'rate' ? deps.now() + reservation.waitMs : undefined;
    // Deliveries waiting for a busy endpoint look again spread out, not all at once.
    const waitMs = reservation.reason === 'busy' ? Math.round(reservation.waitMs * (0.5 + deps.random())) : reservation.waitMs;
    return carrier.wait(waitMs, { ...carrier.state, slotAtMs });
  }

  const startedAtMs = deps.now();
  let result: SendResult;
  try {
    result = await deps.sender.send({
      url: webhook.target.requestUrl,
      body,
      headers: buildRequestHeaders(webhook, deliveryId, body, startedAtMs),
    });
  } finally {
    // The lease expires by itself if this fails (or the worker dies).
    await deps.limiter.release(webhook, deliveryId).catch(() => undefined);
  }
  const nowMs = deps.now();
  const attemptNumber = delivery.attemptCount + 1;
  const throttledAttempts = carrier.state.throttledAttempts ?? 0;
  const schedule = webhook.retryScheduleSeconds.length > 0 ? webhook.retryScheduleSeconds : deps.retryScheduleSeconds;
  let outcome = decideAttemptOutcome(result, {
    webhookType: webhook.type,
    retryScheduleSeconds: schedule,
    failedAttempts: attemptNumber - throttledAttempts,
    nowMs,
    random: deps.random,
  });
  // An endpoint that only ever throttles still ends: at most three times the schedule in all.
  if (outcome.kind === 'retry' && outcome.throttled && attemptNumber > 3 * (schedule.length + 1)) {
    outcome = { kind: 'dead', reason: `${outcome.reason}; gave up after ${attemptNumber} attempts` };
  }
  if (outcome.kind === 'retry' && outcome.throttled && result.statusCode === 429) {
    const global = webhook.type === 'discord' && isDiscordGlobalRateLimit(result.headers, result.bodyText);
    await deps.limiter.pause(webhook, outcome.delayMs, global);
  }

  await deps.writeAttempt({
    deliveryId,
    webhookId: webhook.id,
    alertId: delivery.alertId,
    attemptNumber,
    startedAtMs,
    result,
    outcome,
    receivedAtMs: delivery.alert?.receivedAt.getTime() ?? delivery.createdAt.getTime(),
    nowMs,
  });

  switch (outcome.kind) {
    case 'delivered':
      deps.onDeliveryFinished?.({
        webhookId: webhook.id,
        webhookType: webhook.type,
        outcome: 'delivered',
        latencyMs: nowMs - (delivery.alert?.receivedAt.getTime() ?? delivery.createdAt.getTime()),
      });
      // The attempt writer also ended the webhook's failure streak, if it had one.
      deps.logger.debug(
        { deliveryId, webhookId: webhook.id, alertId: delivery.alertId, statusCode: result.statusCode, durationMs: result.durationMs },
        'delivered',
      );
      return 'delivered';
    case 'retry':
      deps.logger.info(
        {
          deliveryId,
          webhookId: webhook.id,
          alertId: delivery.alertId,
          attempt: attemptNumber,
          delayMs: outcome.delayMs,
          reason: outcome.reason,
        },
        'delivery will be retried',
      );
      return carrier.wait(outcome.delayMs, {
        ...carrier.state,
        slotAtMs: undefined,
        throttledAttempts: throttledAttempts + (outcome.throttled ? 1 : 0),
      });
    case 'dead':
    case 'failed':
      deps.onDeliveryFinished?.({ webhookId: webhook.id, webhookType: webhook.type, outcome: outcome.kind, latencyMs: null });
      deps.logger.warn(
        { deliveryId, webhookId: webhook.id, alertId: delivery.alertId, attempt: attemptNumber, reason: outcome.reason },
        `delivery ${outcome.kind}`,
      );
      if (outcome.kind === 'failed' && outcome.gone) await deps.health.disable(webhook, 'gone', 'gone');
      else await deps.health.recordFailure(webhook);
      return carrier.end(outcome.reason);
  }
}
