import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '@herald/core';
import type { HeraldConfig, Logger } from '@herald/config';
import type { PrismaClient } from '@herald/db';
import { createHeraldQueues, createRedisConnection, QUEUE_NAMES, workerConnectionOptions, type AlertJobData, type DeliveryJobData } from '@herald/queue';
import { Worker } from 'bullmq';
import { createWebhookDirectory, type SecretCodec, type WebhookDirectory } from './directory/webhook-directory';
import { fanOutAlert } from './fan-out/fan-out-alert';
import { deliverJob, type DeliveryFinishedEvent } from './deliver/deliver-job';
import type { EndpointLimiter } from './deliver/endpoint-limiter';
import { createRedisEndpointLimiter } from './deliver/redis-endpoint-limiter';
import { createHttpSender, type HttpSender, type HttpSenderOptions } from './sender/http-sender';
import { sweepOnce } from './sweeper/sweeper';

export interface DeliveryWorkerDeps {
  config: HeraldConfig;
  prisma: PrismaClient;
  codec: SecretCodec;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  /** Tests and the SSRF guard replace how connections are made. */
  senderOptions?: Partial<HttpSenderOptions>;
  onDeliveryFinished?(event: DeliveryFinishedEvent): void;
  /** Fan-out jobs processed at once; deliveries use config.worker.concurrency. */
  fanOutConcurrency?: number;
}

export interface DeliveryWorker {
  directory: WebhookDirectory;
  sender: HttpSender;
  /** Stops taking jobs, lets in-flight ones finish within the grace period, closes connections. */
  close(): Promise<void>;
}

/** The delivery worker process: fan-out and delivery consumers plus the sweeper, sharing one webhook cache. */
export async function startDeliveryWorker(deps: DeliveryWorkerDeps): Promise<DeliveryWorker> {
  const { config, prisma, logger } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const producerConnection = createRedisConnection(config.redisUrl, 'worker');
  const queues = createHeraldQueues(producerConnection, config.queuePrefix);
  const directory = createWebhookDirectory({
    prisma,
    codec: deps.codec,
    logger,
    redisUrl: config.redisUrl,
    queuePrefix: config.queuePrefix,
    now,
  });
  const sender = createHttpSender({
    connectTimeoutMs: config.worker.connectTimeoutMs,
    requestTimeoutMs: config.worker.requestTimeoutMs,
    ...deps.senderOptions,
  });
  const limiter: EndpointLimiter = createRedisEndpointLimiter({
    redis: producerConnection,
    prefix: config.queuePrefix,
    enabled: config.worker.rateLimits,
    now,
  });

  const fanOutWorker = new Worker<AlertJobData>(
    QUEUE_NAMES.alerts,
    async (job) => (await fanOutAlert({ prisma, queues, directory, logger, now }, job.data.alertId)).outcome,
    {
      connection: workerConnectionOptions(config.redisUrl),
      prefix: config.queuePrefix,
      concurrency: deps.fanOutConcurrency ?? 20,
      lockDuration: config.worker.jobLockMs,
      stalledInterval: config.worker.jobLockMs,
    },
  );
  const deliveryWorker = new Worker<DeliveryJobData>(
    QUEUE_NAMES.deliveries,
    (job, token) =>
      deliverJob(
        {
          prisma,
          directory,
          sender,
          limiter,
          logger,
          now,
          random,
          retryScheduleSeconds: config.worker.retryScheduleSeconds.length > 0 ? config.worker.retryScheduleSeconds : [...DEFAULT_RETRY_SCHEDULE_SECONDS],
          onDeliveryFinished: deps.onDeliveryFinished,
          async onWebhookGone(webhookId) {
            await prisma.webhook.update({ where: { id: webhookId }, data: { disabledReason: 'gone', disabledAt: new Date(now()) } });
            logger.warn({ webhookId }, 'endpoint says the webhook was deleted: disabled it');
            await directory.announceChange();
          },
        },
        job,
        token,
      ),
    {
      connection: workerConnectionOptions(config.redisUrl),
      prefix: config.queuePrefix,
      concurrency: config.worker.concurrency,
      lockDuration: config.worker.jobLockMs,
      stalledInterval: config.worker.jobLockMs,
    },
  );
  for (const worker of [fanOutWorker, deliveryWorker]) {
    worker.on('error', (error) => logger.error({ err: error }, 'queue worker error'));
    worker.on('failed', (job, error) => {
      if (job && error.name !== 'UnrecoverableError') {
        logger.warn({ jobId: job.id, queue: worker.name, attemptsMade: job.attemptsMade, err: error.message }, 'job failed');
      }
    });
  }

  let sweeping = false;
  const sweepTimer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepOnce({ prisma, queues, logger, now, staleAfterMs: config.sweeper.staleAfterMs })
      .catch((error: unknown) => logger.warn({ err: error }, 'sweep failed; will try again'))
      .finally(() => {
        sweeping = false;
      });
  }, config.sweeper.intervalMs);
  sweepTimer.unref();

  return {
    directory,
    sender,
    async close() {
      clearInterval(sweepTimer);
      const closing = Promise.all([fanOutWorker.close(), deliveryWorker.close()]);
      const grace = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), config.worker.shutdownGraceMs).unref());
      if ((await Promise.race([closing.then(() => 'closed' as const), grace])) === 'timeout') {
        logger.warn({ graceMs: config.worker.shutdownGraceMs }, 'in-flight deliveries did not finish within the grace period; forcing close');
        await Promise.all([fanOutWorker.close(true), deliveryWorker.close(true)]);
      }
      await Promise.all([sender.close(), directory.close(), queues.close()]);
      await producerConnection.quit().catch(() => undefined);
    },
  };
}
