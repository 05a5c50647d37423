import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '@herald/core';
import { createRepeatedLog, type HeraldConfig, type Logger } from '@herald/config';
import type { PrismaClient, SqlExecutor } from '@herald/db';
import {
  createConsoleEventPublisher,
  createHeraldQueues,
  createRedisConnection,
  FINISHED_JOB_RETENTION,
  workerBackoffSettings,
  QUEUE_NAMES,
  workerConnection,
  FIRST_ATTEMPTS_JOB,
  type AlertJobData,
  type DeliveryJobData,
  type FirstAttemptsJobData,
} from '@herald/queue';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { createWebhookDirectory, type SecretCodec, type WebhookDirectory } from '@herald/routing';
import { createHttpSender, type HttpSender, type HttpSenderOptions } from '@herald/sender';
import { fanOutAlerts, type FanOutOutcome } from './fan-out/fan-out-alert';
import { createBatchLoader } from './batching/batch-loader';
import { createDeliveryLoader } from './deliver/delivery-loader';
import { createBatchedAttemptWriter } from './deliver/batched-attempt-writer';
import { publishingOutcomes } from './deliver/outcome-events';
import { deliverJob, jobCarrier, type DeliverDeps, type DeliveryFinishedEvent } from './deliver/deliver-job';
import { createAttemptLanes, deliverFirstAttempts, FIRST_ATTEMPTS_PER_SLOT } from './deliver/first-attempts';
import type { EndpointLimiter } from './deliver/endpoint-limiter';
import { createRedisEndpointLimiter } from './deliver/redis-endpoint-limiter';
import { sweepOnce } from './sweeper/sweeper';
import { createDatabaseGate } from './database-gate';
import { createEndpointHealth, type WebhookDisabledEvent } from './health/endpoint-health';
import { startAttemptRetention } from './retention/attempt-retention';
import { createFailingTracker } from './health/failing-notice';

function isFirstAttempts(job: Job<DeliveryJobData | FirstAttemptsJobData>): job is Job<FirstAttemptsJobData> {
  return job.name === FIRST_ATTEMPTS_JOB;
}

export interface DeliveryWorkerDeps {
  config: HeraldConfig;
  prisma: PrismaClient;
  /** Plain SQL on the same database, for the per-delivery statements. */
  sql: SqlExecutor;
  codec: SecretCodec;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  /** Tests and the SSRF guard replace how connections are made. */
  senderOptions?: Partial<HttpSenderOptions>;
  onDeliveryFinished?(event: DeliveryFinishedEvent): void;
  /** After each webhook cache load: how many enabled webhooks this process's keys cannot open. */
  onUndecryptableWebhooks?(count: number): void;
  /** A delivery went back to the queue because this process cannot decrypt its webhook. */
  onDeliveryHandedBack?(): void;
  /** A webhook was disabled automatically (deleted at Discord/Slack, or failing): for metrics. */
  onWebhookDisabled?(event: WebhookDisabledEvent): void;
  /** Attempt retention timing (tests); defaults: first run after 1 min, then hourly. */
  retention?: { intervalMs?: number; initialDelayMs?: number };
  /** Fan-out jobs processed at once; deliveries use config.worker.concurrency. */
  fanOutConcurrency?: number;
  /** The SSRF guard per webhook (its organization's allow-list or the system's); see DeliverDeps. */
  networkPolicyFor?: DeliverDeps['networkPolicyFor'];
  /** Deliveries a wide alert's first-attempts job reads at a time (tests force several pages). */
  firstAttemptsPageSize?: number;
}

export interface DeliveryWorker {
  directory: WebhookDirectory;
  sender: HttpSender;
  /** Stops taking jobs, lets in-flight ones finish within the grace period, closes connections. */
  close(): Promise<void>;
}

/** How long a job that met an unreachable database waits before it is tried again. */
const DATABASE_RETRY_MS = 2_000;
/** While most job slots are free, attempt records wait this long for company (fewer statements; the endpoints have answered already). */
const ATTEMPT_HOLD_MS = 20;

/** The delivery worker process: fan-out and delivery consumers plus the sweeper, sharing one webhook cache. */
export async function startDeliveryWorker(deps: DeliveryWorkerDeps): Promise<DeliveryWorker> {
  const { config, prisma, sql, logger } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const producerConnection = createRedisConnection(config.redis, 'worker');
  const fanOutConnection = workerConnection(config.redis);
  const deliveryConnection = workerConnection(config.redis);
  const queues = createHeraldQueues(producerConnection, config.queuePrefix);
  const directory = createWebhookDirectory({
    sql,
    codec: deps.codec,
    logger,
    redis: config.redis,
    queuePrefix: config.queuePrefix,
    now,
    onSealed: deps.onUndecryptableWebhooks,
  });
  const sender = createHttpSender({
    connectTimeoutMs: config.worker.connectTimeoutMs,
    requestTimeoutMs: config.worker.requestTimeoutMs,
    // With rate limits off no in-flight cap stands in front of the sender: bound sockets per origin.
    connectionsPerOrigin: config.worker.rateLimits ? undefined : 64,
    ...deps.senderOptions,
  });
  const limiter: EndpointLimiter = createRedisEndpointLimiter({
    redis: producerConnection,
    prefix: config.queuePrefix,
    enabled: config.worker.rateLimits,
    now,
    maxInFlight: config.worker.endpointConcurrency,
    maxHostInFlight: config.worker.hostConcurrency,
    // Longer than any request can last, so a lease only outlives its request when a worker died.
    leaseTtlMs: config.worker.connectTimeoutMs + config.worker.requestTimeoutMs + 5_000,
  });
  const health = createEndpointHealth({
    prisma,
    sql,
    queues,
    directory,
    logger,
    now,
    policy: { failureThreshold: config.worker.healthFailureThreshold, windowMs: config.worker.healthWindowMs },
    onWebhookDisabled: deps.onWebhookDisabled,
  });

  // Set once the workers exist; the gate pauses and resumes both.
  let workers: Worker[] = [];
  const gate = createDatabaseGate({
    sql,
    logger,
    pause: async () => {
      await Promise.all(workers.map((w) => w.pause(true)));
    },
    resume: async () => {
      await Promise.all(workers.map((w) => w.resume()));
    },
  });
  /** A job that met an unreachable database waits (without using up an attempt) instead of failing. */
  async function guarded<T>(job: Job, token: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof DelayedError || error instanceof UnrecoverableError || !gate.noteError(error)) throw error;
      await job.moveToDelayed(Date.now() + DATABASE_RETRY_MS, token);
      throw new DelayedError();
    }
  }

  // Concurrent jobs share database round trips: fan-outs, delivery reads and attempt writes are batched.
  const fanOut = createBatchLoader<string, FanOutOutcome>({
    maxSize: 200,
    load: (alertIds) => fanOutAlerts({ sql, queues, directory, logger, now }, alertIds),
  });
  const loadDelivery = createDeliveryLoader(sql);
  let activeDeliveryJobs = 0;
  const attemptWriter = createBatchedAttemptWriter(sql, {
    holdMs: () => (activeDeliveryJobs * 2 < config.worker.concurrency ? ATTEMPT_HOLD_MS : 0),
    logger,
  });
  const consoleEvents = createConsoleEventPublisher(producerConnection, config.queuePrefix, {
    onError: (error) => logger.debug({ err: error }, 'console event not published'),
  });

  const fanOutWorker = new Worker<AlertJobData>(
    QUEUE_NAMES.alerts,
    (job, token) => guarded(job, token, async () => (await fanOut(job.data.alertId))?.outcome ?? 'missing'),
    {
      connection: fanOutConnection.connection,
      prefix: config.queuePrefix,
      concurrency: deps.fanOutConcurrency ?? 100,
      ...FINISHED_JOB_RETENTION,
      settings: workerBackoffSettings(config.worker.jobBackoffMs),
      lockDuration: config.worker.jobLockMs,
      stalledInterval: config.worker.jobLockMs,
    },
  );
  const deliverDeps = {
    sql,
    queues,
    directory,
    sender,
    limiter,
    health,
    logger,
    now,
    random,
    retryScheduleSeconds:
      config.worker.retryScheduleSeconds.length > 0 ? config.worker.retryScheduleSeconds : [...DEFAULT_RETRY_SCHEDULE_SECONDS],
    loadDelivery,
    writeAttempt: publishingOutcomes(attemptWriter, consoleEvents),
    onDeliveryFinished: deps.onDeliveryFinished,
    detachAfterMs: config.worker.detachAfterMs,
    detached: { count: 0, max: config.worker.concurrency * 20, inFlight: new Set<Promise<unknown>>() },
    slowEndpoints: new Map<string, number>(),
    failing: createFailingTracker(),
    watchdogMs: config.worker.connectTimeoutMs + config.worker.requestTimeoutMs + 5_000,
    onSealedWebhook: deps.onDeliveryHandedBack,
    networkPolicyFor: deps.networkPolicyFor,
    firstAttemptLanes: createAttemptLanes(config.worker.concurrency * FIRST_ATTEMPTS_PER_SLOT),
    firstAttemptsPageSize: deps.firstAttemptsPageSize,
  };
  const deliveryWorker = new Worker<DeliveryJobData | FirstAttemptsJobData>(
    QUEUE_NAMES.deliveries,
    async (job, token) => {
      activeDeliveryJobs += 1;
      try {
        return await guarded(job, token, () =>
          isFirstAttempts(job)
            ? deliverFirstAttempts(deliverDeps, job)
            : deliverJob(deliverDeps, jobCarrier(job as Job<DeliveryJobData>, token, queues)),
        );
      } finally {
        activeDeliveryJobs -= 1;
      }
    },
    {
      connection: deliveryConnection.connection,
      prefix: config.queuePrefix,
      concurrency: config.worker.concurrency,
      ...FINISHED_JOB_RETENTION,
      settings: workerBackoffSettings(config.worker.jobBackoffMs),
      lockDuration: config.worker.jobLockMs,
      stalledInterval: config.worker.jobLockMs,
    },
  );
  workers = [fanOutWorker, deliveryWorker];
  // Redis out of memory fails every job and every poll many times a second: one line per error per minute, with a count.
  const repeated = createRepeatedLog(logger);
  for (const worker of workers) {
    worker.on('error', (error) => repeated.warn({ queue: worker.name, err: error.message }, 'queue worker error'));
    worker.on('failed', (job, error) => {
      if (job && error.name !== 'UnrecoverableError') {
        repeated.warn({ jobId: job.id, queue: worker.name, attemptsMade: job.attemptsMade, err: error.message }, 'job failed');
      }
    });
  }

  let sweep: Promise<void> | null = null;
  const sweepTimer = setInterval(() => {
    if (sweep || gate.closed) return;
    sweep = sweepOnce({ sql, queues, logger, now, staleAfterMs: config.sweeper.staleAfterMs })
      .then(() => undefined)
      .catch((error: unknown) => {
        if (!gate.noteError(error))
          repeated.warn({ err: error instanceof Error ? error.message : String(error) }, 'sweep failed; will try again');
      })
      .finally(() => {
        sweep = null;
      });
  }, config.sweeper.intervalMs);
  sweepTimer.unref();
  const retention = startAttemptRetention({
    sql,
    redis: producerConnection,
    prefix: config.queuePrefix,
    logger,
    now,
    retentionDays: config.retention.attemptDays,
    ...deps.retention,
  });

  return {
    directory,
    sender,
    async close() {
      clearInterval(sweepTimer);
      // A sweep under way finishes first (it may be between reading a job and giving it back), but
      // a database that does not answer does not hold the shutdown: the next sweep redoes it.
      if (sweep) {
        await Promise.race([sweep, new Promise((resolve) => setTimeout(resolve, config.worker.shutdownGraceMs).unref())]);
      }
      gate.stop();
      repeated.stop();
      await retention.stop();
      // Requests that went on without their job slot (slow endpoints) are in flight too: wait for them as for jobs.
      const closing = Promise.all([fanOutWorker.close(), deliveryWorker.close()]).then(() =>
        Promise.all([...deliverDeps.detached.inFlight]),
      );
      const grace = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), config.worker.shutdownGraceMs).unref());
      const finished = (await Promise.race([closing.then(() => 'closed' as const), grace])) === 'closed';
      if (!finished) {
        // Their jobs keep their ids: another worker picks them up once the locks lapse.
        logger.warn(
          { graceMs: config.worker.shutdownGraceMs },
          'in-flight deliveries did not finish within the grace period; forcing close',
        );
        await sender.destroy().catch(() => undefined);
        await Promise.all([fanOutWorker.close(true), deliveryWorker.close(true)]);
      }
      await Promise.all([finished ? sender.close() : Promise.resolve(), directory.close(), queues.close(), consoleEvents.close()]);
      await Promise.all([fanOutConnection.close(), deliveryConnection.close()]);
      await producerConnection.quit().catch(() => undefined);
    },
  };
}
