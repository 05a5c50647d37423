import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  createHeraldQueues,
  deliveryJob,
  FINISHED_JOB_RETENTION,
  FIRST_ATTEMPTS_JOB,
  firstAttemptsJob,
  QUEUE_NAMES,
  workerBackoffSettings,
  type DeliveryJobData,
  type FirstAttemptsJobData,
} from '@herald/queue';
import { benchOptions, log, ROOT, sleep, waitFor } from './harness';

/**
 * `npm run bench -- --redis-day`: what Redis holds for a busy farm's day, measured on a throw-away
 * redis-server with Herald's own job shapes (`firstAttemptsJob`, `deliveryJob`), queues and retention
 * (`FINISHED_JOB_RETENTION`), and a BullMQ worker that completes, retries and fails jobs in the
 * proportions below. No HTTP and no database: Redis's contents do not depend on them.
 *
 * A busy farm's day (defaults): 100 printers × 50 alerts = 5,000 alerts, 3 webhooks each (15,000
 * deliveries), 5 % of deliveries retried at least once, 1 in 10 of those ending failed; the busiest
 * hour carries 3 × the average hour.
 */
export async function runRedisDay(args: string[]): Promise<void> {
  const { option } = benchOptions(args);
  const PRINTERS = option('printers', 100);
  const ALERTS_PER_PRINTER = option('alerts-per-printer', 50);
  const WEBHOOKS = option('webhooks-per-alert', 3);
  const RETRY_EVERY = 20; // 5 % of deliveries wait for a retry in a job of their own
  const FAIL_EVERY = 10; // 1 in 10 of those ends failed (kept a week for inspection)
  const DAY_ALERTS = PRINTERS * ALERTS_PER_PRINTER;
  const PEAK_HOUR_ALERTS = Math.ceil((DAY_ALERTS / 24) * 3);
  const outputDir = path.resolve(
    args.includes('--output') ? (args[args.indexOf('--output') + 1] as string) : path.join(ROOT, 'bench', 'results'),
  );

  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-redis-day-'));
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: null });
  try {
    await waitFor(async () => (await redis.ping().catch(() => '')) === 'PONG', 5_000, 'redis-server');
    const prefix = '{herald}';
    const queues = createHeraldQueues(redis, prefix);
    await queues.deliveries.waitUntilReady();
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    const usedMemory = async () => {
      await sleep(200);
      return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    };
    const wipe = async () => {
      await queues.deliveries.obliterate({ force: true });
      await queues.alerts.obliterate({ force: true });
    };
    const deliveries = () => Array.from({ length: WEBHOOKS }, () => ({ id: randomUUID(), webhookId: randomUUID() }));
    const addAll = async (jobs: { name: string; data: unknown; opts: object }[]) => {
      for (let i = 0; i < jobs.length; i += 500) await queues.deliveries.addBulk(jobs.slice(i, i + 500) as never);
    };
    const perJob = async (count: number, make: () => { name: string; data: unknown; opts: object }) => {
      await wipe();
      const before = await usedMemory();
      await addAll(Array.from({ length: count }, make));
      const bytes = Math.round(((await usedMemory()) - before) / count);
      await wipe();
      return bytes;
    };

    log(`redis-day: Redis ${version} on port ${port}; a day = ${DAY_ALERTS} alerts × ${WEBHOOKS} webhooks`);
    const empty = await usedMemory();
    const queuedAlert = await perJob(PEAK_HOUR_ALERTS, () => firstAttemptsJob(randomUUID(), deliveries()));
    const delayedDelivery = await perJob(PEAK_HOUR_ALERTS, () =>
      deliveryJob({ id: randomUUID(), webhookId: randomUUID(), kind: 'alert' }, 3_600_000),
    );
    const wideQueued = await perJob(50, () =>
      firstAttemptsJob(
        randomUUID(),
        Array.from({ length: 2_000 }, () => ({ id: randomUUID(), webhookId: randomUUID() })),
      ),
    );
    // The shape before wide alerts' jobs carried the alert id only: 2,000 [delivery, webhook] pairs.
    const widePairsQueued = await perJob(50, () => ({
      name: FIRST_ATTEMPTS_JOB,
      data: { deliveries: Array.from({ length: 2_000 }, () => [randomUUID(), randomUUID()]) },
      opts: { jobId: `first-${randomUUID()}`, priority: 1 },
    }));

    // The day itself: every job through a BullMQ worker with Herald's retention.
    await wipe();
    const dayStart = await usedMemory();
    let peak = dayStart;
    let done = 0;
    let expectedJobs = DAY_ALERTS;
    let deliveryCount = 0;
    const worker = new Worker<FirstAttemptsJobData | DeliveryJobData>(
      QUEUE_NAMES.deliveries,
      async (job: Job<FirstAttemptsJobData | DeliveryJobData>) => {
        if (job.name === FIRST_ATTEMPTS_JOB) {
          const pairs = (job.data as FirstAttemptsJobData).deliveries ?? [];
          const waiting = pairs.filter(() => ++deliveryCount % RETRY_EVERY === 0);
          if (waiting.length > 0) {
            expectedJobs += waiting.length;
            await queues.deliveries.addBulk(waiting.map(([id, webhookId]) => deliveryJob({ id, webhookId, kind: 'alert' }, 50)));
          }
          return `${pairs.length - waiting.length} attempted, ${waiting.length} handed on`;
        }
        if (Number.parseInt((job.id ?? '0').slice(-4), 16) % FAIL_EVERY === 0) {
          throw new UnrecoverableError('HTTP 500 Internal Server Error; gave up after 7 attempts');
        }
        return 'delivered';
      },
      { connection: redis.duplicate(), prefix, concurrency: 50, ...FINISHED_JOB_RETENTION, settings: workerBackoffSettings() },
    );
    worker.on('completed', () => (done += 1));
    worker.on('failed', () => (done += 1));
    const sampler = setInterval(() => {
      void redis.info('memory').then((info) => (peak = Math.max(peak, Number(/used_memory:(\d+)/.exec(info)?.[1]))));
    }, 250);
    // The day's alerts arrive in hourly bursts, the busiest at 3 × the average.
    await addAll(Array.from({ length: DAY_ALERTS }, () => firstAttemptsJob(randomUUID(), deliveries())));
    await waitFor(() => done >= expectedJobs, 10 * 60_000, 'the day to drain', 100);
    clearInterval(sampler);
    await worker.close();
    const dayEnd = await usedMemory();
    const counts = await queues.deliveries.getJobCounts('completed', 'failed', 'waiting', 'delayed');

    // A week of failed jobs at the retention cap (5,000 per queue): bytes per failed job kept.
    await wipe();
    const failBefore = await usedMemory();
    const failing = new Worker(
      QUEUE_NAMES.deliveries,
      async () => {
        throw new UnrecoverableError('HTTP 500 Internal Server Error; gave up after 7 attempts');
      },
      { connection: redis.duplicate(), prefix, concurrency: 50, ...FINISHED_JOB_RETENTION },
    );
    const failedCount = 1_000;
    await addAll(Array.from({ length: failedCount }, () => deliveryJob({ id: randomUUID(), webhookId: randomUUID(), kind: 'alert' })));
    await waitFor(async () => (await queues.deliveries.getFailedCount()) >= failedCount, 60_000, 'failed jobs', 100);
    await failing.close();
    const failedJob = Math.round(((await usedMemory()) - failBefore) / failedCount);
    await queues.close();

    const mb = (bytes: number) => Math.round((bytes / 1e6) * 10) / 10;
    const retainedCap = dayEnd - dayStart + failedJob * (5_000 - (counts.failed ?? 0));
    const backlogHour = PEAK_HOUR_ALERTS * (queuedAlert + WEBHOOKS * delayedDelivery);
    const results = {
      date: new Date().toISOString(),
      redis: version,
      day: {
        printers: PRINTERS,
        alertsPerPrinter: ALERTS_PER_PRINTER,
        alerts: DAY_ALERTS,
        deliveries: DAY_ALERTS * WEBHOOKS,
        retried: Math.floor((DAY_ALERTS * WEBHOOKS) / RETRY_EVERY),
        peakHourAlerts: PEAK_HOUR_ALERTS,
      },
      bytes: {
        emptyQueues: empty,
        queuedAlert,
        delayedDelivery,
        failedJobKept: failedJob,
        wideAlertQueued: wideQueued,
        wideAlertQueuedAsPairs: widePairsQueued,
      },
      dayRun: {
        afterDayBytes: dayEnd - dayStart,
        peakDuringDayBytes: peak - dayStart,
        jobsKept: counts,
      },
      estimates: {
        // What the day leaves at most: completed jobs at their cap, the events streams, 5,000 failed jobs kept.
        retainedAtCapsMB: mb(retainedCap),
        // Every webhook of the busiest hour's alerts down for that hour: each delivery waits in a delayed job.
        backlogHourAllEndpointsDownMB: mb(backlogHour),
        totalMB: mb(empty + retainedCap + backlogHour),
      },
    };
    fs.mkdirSync(outputDir, { recursive: true });
    fs.writeFileSync(path.join(outputDir, 'redis-day.json'), `${JSON.stringify(results, null, 2)}\n`);
    const rows: [string, string][] = [
      [
        'a day',
        `${DAY_ALERTS} alerts × ${WEBHOOKS} webhooks, ${results.day.retried} deliveries retried, busiest hour ${PEAK_HOUR_ALERTS} alerts`,
      ],
      ['queued alert', `${queuedAlert} bytes (first-attempts job, ${WEBHOOKS} webhooks)`],
      ['waiting delivery', `${delayedDelivery} bytes (delayed delivery job)`],
      ['failed job kept', `${failedJob} bytes`],
      ['wide alert queued', `${wideQueued} bytes (2,000 webhooks; ${widePairsQueued} bytes as pairs)`],
      ['after the day', `${mb(dayEnd - dayStart)} MB (peak ${mb(peak - dayStart)} MB); kept ${JSON.stringify(counts)}`],
      ['at retention caps', `${results.estimates.retainedAtCapsMB} MB (1,000 completed, 5,000 failed, events streams)`],
      [
        '+ busiest hour down',
        `${results.estimates.backlogHourAllEndpointsDownMB} MB (every delivery of ${PEAK_HOUR_ALERTS} alerts waiting)`,
      ],
      ['total', `${results.estimates.totalMB} MB of a 128 MB Redis`],
    ];
    process.stdout.write(`\nHerald Redis sizing (Redis ${version})\n`);
    for (const [name, value] of rows) process.stdout.write(`  ${name.padEnd(22)} ${value}\n`);
    process.stdout.write(`\nJSON: ${path.join(outputDir, 'redis-day.json')}\n`);
  } finally {
    redis.disconnect();
    server.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
