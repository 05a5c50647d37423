import { Queue, Worker } from 'bullmq';
import { Agent, request } from 'undici';

/**
 * The machine's own limit for the same path with no database: BullMQ add, then a worker
 * doing one pooled undici POST per job to the same receiver, at the same concurrency.
 */
async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const receiverUrl = process.env.RECEIVER_URL as string;
  const jobs = Number(process.env.RAW_JOBS ?? 60_000);
  const concurrency = Number(process.env.RAW_CONCURRENCY ?? 50);
  const prefix = `{herald-raw-${process.pid}}`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue('raw', { connection, prefix });
  for (let start = 0; start < jobs; start += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, jobs - start) }, (_, i) => ({
        name: 'post',
        data: { seq: start + i },
        opts: { removeOnComplete: true },
      })),
    );
  }
  const dispatcher = new Agent({ connections: 64 });
  const body = (seq: number) => JSON.stringify({ type: 'print_complete', title: `bench ${seq} ${Date.now()}`, message: 'raw' });
  let done = 0;
  let firstMs = 0;
  const cpuBefore = process.cpuUsage();
  let resolveFinished: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve));
  const worker = new Worker(
    'raw',
    async (job) => {
      if (!firstMs) firstMs = performance.now();
      const response = await request(receiverUrl, {
        method: 'POST',
        body: body(job.data.seq as number),
        headers: { 'content-type': 'application/json' },
        dispatcher,
      });
      await response.body.dump();
      done += 1;
      if (done === jobs) resolveFinished();
    },
    { connection, prefix, concurrency },
  );
  worker.on('error', () => undefined);
  await finished;
  const cpu = process.cpuUsage(cpuBefore);
  await worker.close();
  const seconds = (performance.now() - firstMs) / 1000;
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await dispatcher.close();
  process.stdout.write(
    `${JSON.stringify({ jobs, seconds, perSecond: jobs / seconds, workerCpuMicrosPerJob: (cpu.user + cpu.system) / jobs })}\n`,
  );
  process.exit(0);
}

void main();
