import { isDiscordGlobalRateLimit } from '@herald/core';
import type { Logger } from '@herald/config';
import { cancelDelivery, noteDeliveryWaiting, settleAlertStatuses, type LoadedDelivery, type SqlSession } from '@herald/db';
import { deliveryIdOfJob, deliveryJob, type DeliveryJobData, type DeliveryJobKind, type HeraldQueues } from '@herald/queue';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { ResolvedWebhook, WebhookDirectory } from '@herald/routing';
import { buildRequestHeaders, type HttpSender, type NetworkPolicy, type SendResult } from '@herald/sender';
import type { EndpointHealth } from '../health/endpoint-health';
import type { EndpointLimiter } from './endpoint-limiter';
import { decideAttemptOutcome } from './attempt-outcome';
import type { RecordAttemptInput } from './delivery-recorder';
import type { FailingTracker } from '../health/failing-notice';
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
  /**
   * A request not answered within this time goes on without its job slot (see `DeliveryCarrier.detach`):
   * a slow or hanging endpoint holds sockets of its own, never the worker's job slots. Unset: never.
   */
  detachAfterMs?: number;
  /**
   * Requests going on without a slot, shared by the process's jobs; past `max` a request keeps its slot.
   * `inFlight` lets a stopping worker wait for them as it waits for its jobs.
   */
  detached?: { count: number; max: number; inFlight?: Set<Promise<unknown>> };
  /** How long a detached request can last at most (connect + request timeouts): its job wakes after that as a watchdog. */
  watchdogMs?: number;
  /** Runs of failed attempts per webhook, for the one-hour "keeps failing" notice. */
  failing?: FailingTracker;
  /** Webhooks whose requests went on without a slot lately (webhook id → when): their next requests do so at once. */
  slowEndpoints?: Map<string, number>;
  /** A delivery was handed back because this process's keys cannot open its webhook (for metrics). */
  onSealedWebhook?(): void;
  /**
   * The SSRF guard for the webhook's requests: its organization's allow-list, or the system's for a
   * system webhook. Unset: the sender's own connector.
   */
  networkPolicyFor?(webhook: ResolvedWebhook): NetworkPolicy;
}

/** A webhook stays "slow" (its requests detach at once) this long after its last slow request. */
const SLOW_MEMORY_MS = 60_000;

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
  /** Times in a row the endpoint was found busy (its in-flight cap reached): each wait doubles. */
  busyWaits?: number;
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
  /**
   * The request is slow: park the delivery's own job as a watchdog `watchdogMs` ahead (it runs the
   * delivery again only if this process dies before recording the outcome) and free the job slot.
   * Returns the carrier that records the outcome later, and what ends the current job.
   */
  detach?(watchdogMs: number): Promise<{ later: DeliveryCarrier; leave(): string }>;
}

const SLOT_TOLERANCE_MS = 50;
/** A busy endpoint is looked at again after 1, 2, 4 ... 16 busy waits (about 16 s with the default 1 s). */
const MAX_BUSY_DOUBLINGS = 4;
/** A delivery to a webhook this process cannot decrypt waits about this long for a process that can (no attempt spent). */
export const SEALED_WEBHOOK_WAIT_MS = 5_000;
const FINAL_STATUSES = new Set(['delivered', 'failed', 'dead', 'cancelled']);

/**
 * A delivery's own job. Waiting parks the job (`moveToDelayed` + DelayedError; BullMQ measures
 * delays on its own clock, so the due time is taken from the wall clock whatever clock Herald was
 * given: a delay is a duration); an ended delivery fails the job for good.
 */
export function jobCarrier(job: Job<DeliveryJobState>, token: string | undefined, queues?: HeraldQueues): DeliveryCarrier {
  return {
    deliveryId: deliveryIdOfJob(job),
    state: job.data,
    ...(queues
      ? {
          async detach(watchdogMs: number) {
            await job.moveToDelayed(Date.now() + watchdogMs, token);
            return {
              later: parkedJobCarrier(queues, deliveryIdOfJob(job), job.data, job.name as DeliveryJobKind),
              leave: () => {
                throw new DelayedError();
              },
            };
          },
        }
      : {}),
    async wait(delayMs, state) {
      if (
        state.slotAtMs !== job.data.slotAtMs ||
        state.throttledAttempts !== job.data.throttledAttempts ||
        state.busyWaits !== job.data.busyWaits
      )
        await job.updateData(state);
      await job.moveToDelayed(Date.now() + delayMs, token);
      throw new DelayedError();
    },
    end(reason) {
      throw new UnrecoverableError(reason);
    },
  };
}

/**
 * A delivery whose request went on without its job slot: its own job waits delayed as a watchdog.
 * Waiting moves that job's due time; an ended delivery removes it (it would only find the delivery
 * final). If the job is gone or already running, a wait adds the job again (same id: never twice).
 */
export function parkedJobCarrier(
  queues: HeraldQueues,
  deliveryId: string,
  state: DeliveryJobState,
  kind: DeliveryJobKind,
): DeliveryCarrier {
  return {
    deliveryId,
    state,
    async wait(delayMs, next) {
      const job = await queues.deliveries.getJob(deliveryId);
      if (job && (await job.isDelayed())) {
        await (job as unknown as Job<DeliveryJobState>).updateData(next);
        await job.changeDelay(delayMs);
      } else if (!job) {
        const fresh = deliveryJob({ id: deliveryId, webhookId: next.webhookId, kind }, delayMs);
        await queues.deliveries.add(fresh.name, next as DeliveryJobData, fresh.opts);
      }
      return 'waits in its own job';
    },
    async end(reason) {
      const job = await queues.deliveries.getJob(deliveryId);
      if (job && (await job.isDelayed())) await job.remove().catch(() => undefined);
      return reason;
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
  if (!webhook && snapshot.sealedWebhookIds.has(delivery.webhookId)) {
    // The wrong keys here say nothing about the webhook: give the job back, attempt not spent.
    deps.onSealedWebhook?.();
    deps.logger.error(
      { deliveryId, webhookId: delivery.webhookId },
      "this process's HERALD_FERNET_KEYS cannot decrypt the webhook: delivery handed back for a process with the right keys",
    );
    return carrier.wait(Math.round(SEALED_WEBHOOK_WAIT_MS * (0.5 + deps.random())), { ...carrier.state, slotAtMs: undefined });
  }
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
    // Deliveries waiting for a busy endpoint look again spread out, not all at once, and less often
    // the longer it stays busy (a hanging endpoint keeps its slots until its requests time out).
    const busyWaits = carrier.state.busyWaits ?? 0;
    const waitMs =
      reservation.reason === 'busy'
        ? Math.round(reservation.waitMs * 2 ** Math.min(busyWaits, MAX_BUSY_DOUBLINGS) * (0.5 + deps.random()))
        : reservation.waitMs;
    // The delivery shows why it waits (API and dashboard), the first time only: one write per wait, not per look.
    if (reservation.reason !== 'rate' && busyWaits === 0) {
      const why =
        reservation.reason === 'busy'
          ? 'waiting for a free slot: the endpoint has the most requests in flight it may have'
          : 'waiting: the endpoint asked Herald to slow down (429)';
      await noteDeliveryWaiting(deps.sql, deliveryId, why, new Date(deps.now() + waitMs)).catch(() => undefined);
    }
    return carrier.wait(waitMs, { ...carrier.state, slotAtMs, busyWaits: reservation.reason === 'busy' ? busyWaits + 1 : undefined });
  }

  const startedAtMs = deps.now();
  const sending = deps.sender
    .send({
      url: webhook.target.requestUrl,
      body,
      headers: buildRequestHeaders(webhook, deliveryId, body, startedAtMs),
      networkPolicy: deps.networkPolicyFor?.(webhook),
    })
    // The lease expires by itself if this fails (or the worker dies).
    .finally(() => deps.limiter.release(webhook, deliveryId).catch(() => undefined));
  const attempt = { delivery, webhook, startedAtMs };
  const detached = deps.detached;
  if (carrier.detach && deps.detachAfterMs !== undefined && detached && detached.count < detached.max) {
    // A webhook slow lately does not get the budget: each of its requests would hold a slot that long.
    const slowSince = deps.slowEndpoints?.get(webhook.id);
    const budgetMs = slowSince !== undefined && deps.now() - slowSince < SLOW_MEMORY_MS ? 0 : deps.detachAfterMs;
    const early = await settledWithin(sending, budgetMs);
    if (early === null) {
      deps.slowEndpoints?.set(webhook.id, deps.now());
      const { later, leave } = await carrier.detach(deps.watchdogMs ?? 60_000);
      detached.count += 1;
      deps.logger.debug(
        { deliveryId, webhookId: webhook.id, webhook: webhook.name },
        'slow endpoint: request goes on without its job slot',
      );
      const goingOn = sending
        .then((result) => {
          if (result.statusCode !== undefined && result.durationMs < deps.detachAfterMs!) deps.slowEndpoints?.delete(webhook.id);
          return recordAttempt(deps, later, attempt, result);
        })
        .catch((error: unknown) =>
          // The watchdog job runs the delivery again.
          deps.logger.error({ err: error, deliveryId, webhookId: webhook.id }, 'could not record the outcome of a slow request'),
        )
        .finally(() => {
          detached.count -= 1;
          detached.inFlight?.delete(goingOn);
        });
      detached.inFlight?.add(goingOn);
      return leave();
    }
  }
  return recordAttempt(deps, carrier, attempt, await sending);
}

/**
 * What `promise` settles to if it does within `ms`, else null. The timer ends with the request: a
 * sleep raced against it would stay pending (holding the result) for the whole budget of every delivery.
 */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(null), ms).unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Records the outcome of a request and moves the delivery on (delivered, retried later, or ended). */
async function recordAttempt(
  deps: DeliverDeps,
  carrier: DeliveryCarrier,
  { delivery, webhook, startedAtMs }: { delivery: LoadedDelivery; webhook: ResolvedWebhook; startedAtMs: number },
  result: SendResult,
): Promise<string> {
  const deliveryId = carrier.deliveryId;
  const nowMs = deps.now();
  // What an operator reads in the log: the webhook by name (never its URL), the printer and the alert type beside the ids.
  const about = {
    deliveryId,
    alertId: delivery.alertId,
    webhookId: webhook.id,
    webhook: webhook.name,
    ...(delivery.alert
      ? { alertType: delivery.alert.type, printer: delivery.alert.printerName ?? delivery.alert.printerId ?? null }
      : { kind: delivery.kind }),
  };
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
    orgId: delivery.alert ? delivery.alert.orgId : webhook.orgId,
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
      deps.failing?.delivered(webhook.id);
      deps.logger.debug({ ...about, statusCode: result.statusCode, durationMs: result.durationMs }, 'delivered');
      return 'delivered';
    case 'retry':
      deps.logger.info({ ...about, attempt: attemptNumber, delayMs: outcome.delayMs, reason: outcome.reason }, 'delivery will be retried');
      if (!outcome.throttled) noticeFailing(deps, webhook, outcome.reason, nowMs);
      return carrier.wait(outcome.delayMs, {
        ...carrier.state,
        slotAtMs: undefined,
        throttledAttempts: throttledAttempts + (outcome.throttled ? 1 : 0),
      });
    case 'dead':
    case 'failed':
      deps.onDeliveryFinished?.({ webhookId: webhook.id, webhookType: webhook.type, outcome: outcome.kind, latencyMs: null });
      deps.logger.warn({ ...about, attempt: attemptNumber, reason: outcome.reason }, `delivery ${outcome.kind}`);
      noticeFailing(deps, webhook, outcome.reason, nowMs);
      if (outcome.kind === 'failed' && outcome.gone) await deps.health.disable(webhook, 'gone', 'gone');
      else await deps.health.recordFailure(webhook);
      return carrier.end(outcome.reason);
  }
}

/** A webhook whose attempts have all failed for an hour: one warning per run, long before the auto-disable. */
function noticeFailing(deps: DeliverDeps, webhook: ResolvedWebhook, reason: string, nowMs: number): void {
  const notice = deps.failing?.failed(webhook.id, nowMs);
  if (!notice) return;
  deps.logger.warn(
    {
      event: 'webhook_failing',
      webhookId: webhook.id,
      webhook: webhook.name,
      webhookType: webhook.type,
      failingForMinutes: Math.round(notice.failingForMs / 60_000),
      failedAttempts: notice.failures,
      lastReason: reason,
    },
    'webhook_failing: every attempt for over an hour has failed (it is disabled automatically if this goes on)',
  );
}
