import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { cpuMicros, cpuMicrosByName, peakRssMiB, waitForQuietMachine } from './proc-stats';
import { latencyHistogramSvg, percentile } from './percentiles';
import { runRedisDay } from './redis-day';
import { runWideFanOut } from './wide-fan-out';
import {
  benchOptions,
  buildBundles,
  cleanUpRun,
  log,
  migrate,
  ROOT,
  sleep,
  start as startProc,
  heraldEnv,
  startApi,
  startReceiver,
  startRun,
  stop,
  waitFor,
  type Proc,
} from './harness';

/**
 * `npm run bench`: Herald's end-to-end throughput, latency and cost per delivery, measured
 * side by side with this machine's raw limit for the same path (BullMQ + undici, no database).
 */
const args = process.argv.slice(2);
const { option, stringOption } = benchOptions(args);
const WORKERS = option('workers', 1);
const ALERTS = option('alerts', 20_000);
const STEADY_RATE = option('steady-rate', 200);
const STEADY_SECONDS = option('steady-seconds', 30);
const RECEIVER_LATENCY_MS = option('receiver-latency-ms', 0);
const CONCURRENCY = option('concurrency', 50);
const INGEST_PATH_ALERTS = option('ingest-path-alerts', 3_000);
const OUTPUT_DIR = path.resolve(stringOption('output', path.join(ROOT, 'bench', 'results')));
const ENDPOINTS = ['discord', 'slack', 'generic'] as const;

const PROFILE_DIR = args.includes('--profile') ? path.join(OUTPUT_DIR, 'profiles') : null;

function start(name: string, script: string, env: Record<string, string>): Proc {
  return startProc(name, script, env, PROFILE_DIR);
}

/** CPU used so far (µs) by each part of the pipeline, for the steady phase's per-process shares. */
function steadyCpu(api: Proc, workers: Proc[], receiver: Proc) {
  const usage = process.cpuUsage();
  return {
    api: cpuMicros(api.child.pid as number),
    worker: workers.reduce((sum, w) => sum + cpuMicros(w.child.pid as number), 0),
    postgres: cpuMicrosByName(/^postgres/),
    redis: cpuMicrosByName(/^redis-server/),
    receiver: cpuMicros(receiver.child.pid as number),
    loadGenerator: usage.user + usage.system,
  };
}

async function main(): Promise<void> {
  const run = await startRun();
  const { runId, database, databaseUrl, adminToken, redis, procs, dispatcher } = run;
  try {
    await buildBundles();
    log(`bench ${runId}: migrating ${database}`);
    await migrate(databaseUrl);

    const receiver = await startReceiver({ RECEIVER_LATENCY_MS: String(RECEIVER_LATENCY_MS) });
    procs.push(receiver.proc);
    const receiverPort = receiver.port;
    const receiverUrl = (p: string) => `http://127.0.0.1:${receiverPort}${p}`;
    const receiverStats = async () =>
      (await (await fetch(receiverUrl('/stats'))).json()) as {
        received: number;
        duplicates: number;
        firstAtMs: number;
        lastAtMs: number;
        latencies: number[];
      };

    const env = heraldEnv(run, { rateLimits: false, concurrency: CONCURRENCY });
    const { proc: api, base: apiBase } = await startApi(env, PROFILE_DIR);
    procs.push(api);
    const call = async (method: string, route: string, body: unknown) => {
      const response = await request(`${apiBase}${route}`, {
        method: method as 'POST',
        dispatcher,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.body.text();
      if (response.statusCode >= 300) throw new Error(`${method} ${route}: ${response.statusCode} ${text}`);
      return text;
    };
    for (const type of ENDPOINTS) await call('POST', '/v1/webhooks', { name: `bench ${type}`, url: receiverUrl(`/${type}`), type });

    let seq = 0;
    const makeAlert = () => ({ type: 'print_complete', title: `bench ${seq++} ${Date.now()}`, message: 'benchmark alert', printer_id: 1 });
    const postBatch = (n: number) => call('POST', '/v1/alerts/batch', { alerts: Array.from({ length: n }, makeAlert) });

    // Drain: enqueue with no worker running (so Redis memory per queued alert can be read), then start workers.
    const drain = async (workers: number) => {
      await fetch(receiverUrl('/reset'), { method: 'POST' });
      const memoryBefore = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
      const apiCpuBefore = cpuMicros(api.child.pid as number);
      const ingestStarted = performance.now();
      const batches = Math.ceil(ALERTS / 500);
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < batches) {
            const index = next++;
            await postBatch(Math.min(500, ALERTS - index * 500));
          }
        }),
      );
      const ingestSeconds = (performance.now() - ingestStarted) / 1000;
      const apiCpu = cpuMicros(api.child.pid as number) - apiCpuBefore;
      const memoryAfter = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
      const started = Array.from({ length: workers }, (_, i) => start(`worker${i + 1}`, 'apps/worker/dist/main.js', env));
      procs.push(...started);
      await Promise.all(started.map((w) => waitFor(() => w.child.pid !== undefined, 5_000, 'worker pid')));
      const workerCpuBefore = started.map((w) => cpuMicros(w.child.pid as number));
      const serviceCpuBefore = { postgres: cpuMicrosByName(/^postgres/), redis: cpuMicrosByName(/^redis-server/) };
      const expected = ALERTS * ENDPOINTS.length;
      await waitFor(async () => (await receiverStats()).received >= expected, 600_000, `${expected} deliveries`);
      const stats = await receiverStats();
      const workerCpu = started.reduce((sum, w, i) => sum + cpuMicros(w.child.pid as number) - (workerCpuBefore[i] as number), 0);
      const postgresCpu = cpuMicrosByName(/^postgres/) - serviceCpuBefore.postgres;
      const redisCpu = cpuMicrosByName(/^redis-server/) - serviceCpuBefore.redis;
      return {
        workers: started,
        result: {
          alerts: ALERTS,
          deliveries: stats.received,
          duplicates: stats.duplicates,
          lost: expected - stats.received,
          ingestAlertsPerSecond: Math.round(ALERTS / ingestSeconds),
          deliveriesPerSecond: Math.round(stats.received / ((stats.lastAtMs - stats.firstAtMs) / 1000)),
          apiCpuMicrosPerAlert: Math.round(apiCpu / ALERTS),
          workerCpuMicrosPerDelivery: Math.round(workerCpu / stats.received),
          // Shared services (all of this machine's PostgreSQL and Redis) during the drain.
          postgresCpuMicrosPerDelivery: Math.round(postgresCpu / stats.received),
          redisCpuMicrosPerDelivery: Math.round(redisCpu / stats.received),
          redisBytesPerQueuedAlert: Math.round((memoryAfter - memoryBefore) / ALERTS),
        },
      };
    };

    log(`drain: ${ALERTS} alerts × ${ENDPOINTS.length} webhooks, ${WORKERS} worker(s)`);
    const first = await drain(WORKERS);

    // The drain's aftermath (PostgreSQL writing back 60,000 updated rows, queues trimming) is not steady load.
    const quietAfterMs = await waitForQuietMachine(30_000);
    log(`steady: ${STEADY_RATE} alerts/s for ${STEADY_SECONDS} s (machine quiet after ${quietAfterMs} ms)`);
    await fetch(receiverUrl('/reset'), { method: 'POST' });
    const steadyTotal = STEADY_RATE * STEADY_SECONDS;
    const cpuBefore = steadyCpu(api, first.workers, receiver.proc);
    const steadyStart = performance.now();
    const inFlight: Promise<unknown>[] = [];
    const responseMs: number[] = [];
    for (let i = 0; i < steadyTotal; i++) {
      const due = steadyStart + (i * 1000) / STEADY_RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const sentAt = performance.now();
      inFlight.push(call('POST', '/v1/alerts', makeAlert()).then(() => responseMs.push(performance.now() - sentAt)));
    }
    await Promise.all(inFlight);
    await waitFor(async () => (await receiverStats()).received >= steadyTotal * ENDPOINTS.length, 120_000, 'steady deliveries');
    const steadySeconds = (performance.now() - steadyStart) / 1000;
    const cpuAfter = steadyCpu(api, first.workers, receiver.proc);
    await sleep(500);
    const steadyStats = await receiverStats();
    responseMs.sort((a, b) => a - b);
    const sorted = [...steadyStats.latencies].sort((a, b) => a - b);
    const steady = {
      alertsPerSecond: STEADY_RATE,
      seconds: STEADY_SECONDS,
      // How long after the drain the machine went quiet (the steady load starts then).
      quietAfterMs,
      deliveries: steadyStats.received,
      duplicates: steadyStats.duplicates,
      lost: steadyTotal * ENDPOINTS.length - steadyStats.received,
      latencyMs: {
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        max: sorted[sorted.length - 1] ?? 0,
      },
      // How long POST /v1/alerts took to answer, as the load generator saw it.
      ingestResponseMs: {
        p50: Math.round(percentile(responseMs, 50)),
        p99: Math.round(percentile(responseMs, 99)),
      },
      // Share of one core each process used from the first post to the last receipt.
      cpuPercent: Object.fromEntries(
        Object.entries(cpuAfter).map(([name, micros]) => [
          name,
          Math.round((micros - (cpuBefore[name as keyof typeof cpuBefore] as number)) / (steadySeconds * 10_000)),
        ]),
      ),
    };
    // Ingest path: single-alert requests, 16 in flight, to POST /v1/alerts (bearer token) and to an O.D.I.N.
    // ingest URL (key in the path, O.D.I.N.'s generic body, no header), one path after the other.
    const odinUrl = JSON.parse(await call('POST', '/v1/ingest-sources', { name: 'bench O.D.I.N.', kind: 'odin' })).url as string;
    const odinPath = new URL(odinUrl).pathname;
    const postSingles = async (label: string, count: number, post: () => Promise<void>) => {
      await fetch(receiverUrl('/reset'), { method: 'POST' });
      const apiCpuBefore = cpuMicros(api.child.pid as number);
      const answerMs: number[] = [];
      const started = performance.now();
      let sent = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (sent < count) {
            sent += 1;
            const at = performance.now();
            await post();
            answerMs.push(performance.now() - at);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const apiCpu = cpuMicros(api.child.pid as number) - apiCpuBefore;
      await waitFor(async () => (await receiverStats()).received >= count * ENDPOINTS.length, 120_000, `${label} deliveries`);
      answerMs.sort((a, b) => a - b);
      return {
        alerts: count,
        alertsPerSecond: Math.round(count / seconds),
        apiCpuMicrosPerAlert: Math.round(apiCpu / count),
        answerMs: { p50: Math.round(percentile(answerMs, 50)), p99: Math.round(percentile(answerMs, 99)) },
        lost: count * ENDPOINTS.length - (await receiverStats()).received,
      };
    };
    const postNative = async () => void (await call('POST', '/v1/alerts', makeAlert()));
    const postOdin = async () => {
      const alert = makeAlert();
      const response = await request(`${apiBase}${odinPath}`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...alert, severity: 'info', printer_name: 'X1C', timestamp: Date.now() / 1000 }),
      });
      const text = await response.body.text();
      if (response.statusCode !== 202) throw new Error(`POST ingest URL: ${response.statusCode} ${text}`);
    };
    log(`ingest path: ${INGEST_PATH_ALERTS} single-alert requests each to POST /v1/alerts and to an O.D.I.N. ingest URL`);
    // A short warm-up of both paths, so neither pays for the other's first statements.
    await postSingles('warm-up native', 100, postNative);
    await postSingles('warm-up ingest URL', 100, postOdin);
    const ingestPath = {
      native: await postSingles('native', INGEST_PATH_ALERTS, postNative),
      ingestUrl: await postSingles('ingest URL', INGEST_PATH_ALERTS, postOdin),
    };

    const rss = {
      api: peakRssMiB(api.child.pid as number),
      worker: Math.max(...first.workers.map((w) => peakRssMiB(w.child.pid as number))),
    };
    await Promise.all(first.workers.map(stop));

    log(`scale: drain with ${WORKERS * 2} workers`);
    const scaled = await drain(WORKERS * 2);
    await Promise.all(scaled.workers.map(stop));

    log(`limit: raw BullMQ + undici, no database, concurrency ${CONCURRENCY}`);
    const raw = start('raw', 'bench/src/raw-limit.ts', {
      RECEIVER_URL: receiverUrl('/raw'),
      RAW_JOBS: String(ALERTS * ENDPOINTS.length),
      RAW_CONCURRENCY: String(CONCURRENCY),
      REDIS_URL: run.redisUrl,
    });
    await new Promise((resolve) => raw.child.once('exit', resolve));
    const rawResult = JSON.parse(raw.output().trim().split('\n').pop() as string) as { perSecond: number; workerCpuMicrosPerJob: number };

    const results = {
      runId,
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      options: {
        workers: WORKERS,
        alerts: ALERTS,
        steadyRate: STEADY_RATE,
        steadySeconds: STEADY_SECONDS,
        receiverLatencyMs: RECEIVER_LATENCY_MS,
        concurrency: CONCURRENCY,
      },
      drain: first.result,
      steady,
      ingestPath,
      limit: {
        deliveriesPerSecond: Math.round(rawResult.perSecond),
        workerCpuMicrosPerJob: Math.round(rawResult.workerCpuMicrosPerJob),
        heraldRatio: Number((first.result.deliveriesPerSecond / rawResult.perSecond).toFixed(2)),
      },
      cost: {
        apiCpuMicrosPerAlert: first.result.apiCpuMicrosPerAlert,
        workerCpuMicrosPerDelivery: first.result.workerCpuMicrosPerDelivery,
        postgresCpuMicrosPerDelivery: first.result.postgresCpuMicrosPerDelivery,
        redisCpuMicrosPerDelivery: first.result.redisCpuMicrosPerDelivery,
        peakRssMiB: { api: Math.round(rss.api), worker: Math.round(rss.worker) },
        redisBytesPerQueuedAlert: first.result.redisBytesPerQueuedAlert,
      },
      scale: {
        workers: WORKERS * 2,
        deliveriesPerSecond: scaled.result.deliveriesPerSecond,
        ratioToBase: Number((scaled.result.deliveriesPerSecond / first.result.deliveriesPerSecond).toFixed(2)),
      },
    };
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    fs.writeFileSync(path.join(OUTPUT_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(
      path.join(OUTPUT_DIR, 'latency.svg'),
      latencyHistogramSvg(steadyStats.latencies, `Herald steady ${STEADY_RATE} alerts/s × 3 webhooks, ${os.cpus().length} cores`),
    );
    const rows: [string, string][] = [
      ['drain ingest', `${results.drain.ingestAlertsPerSecond} alerts/s`],
      [
        'drain delivery',
        `${results.drain.deliveriesPerSecond} deliveries/s (lost ${results.drain.lost}, duplicates ${results.drain.duplicates})`,
      ],
      [
        'raw limit (no DB)',
        `${results.limit.deliveriesPerSecond} deliveries/s, worker ${results.limit.workerCpuMicrosPerJob} µs per job; Herald = ${results.limit.heraldRatio} × limit`,
      ],
      [
        'steady latency',
        `p50 ${steady.latencyMs.p50} ms, p95 ${steady.latencyMs.p95} ms, p99 ${steady.latencyMs.p99} ms, max ${steady.latencyMs.max} ms (lost ${steady.lost})`,
      ],
      ['steady ingest answer', `p50 ${steady.ingestResponseMs.p50} ms, p99 ${steady.ingestResponseMs.p99} ms`],
      ...(['native', 'ingestUrl'] as const).map((name): [string, string] => {
        const r = ingestPath[name];
        return [
          name === 'native' ? 'POST /v1/alerts ×16' : 'ingest URL ×16',
          `${r.alertsPerSecond} alerts/s, API ${r.apiCpuMicrosPerAlert} µs per alert, answer p50 ${r.answerMs.p50} ms p99 ${r.answerMs.p99} ms (lost ${r.lost})`,
        ];
      }),
      [
        'steady CPU (% of a core)',
        Object.entries(steady.cpuPercent)
          .map(([name, share]) => `${name} ${share}`)
          .join(', '),
      ],
      [
        'CPU per delivery',
        `worker ${results.cost.workerCpuMicrosPerDelivery} µs, PostgreSQL ${results.cost.postgresCpuMicrosPerDelivery} µs, Redis ${results.cost.redisCpuMicrosPerDelivery} µs; API ${results.cost.apiCpuMicrosPerAlert} µs per alert`,
      ],
      ['peak RSS', `api ${results.cost.peakRssMiB.api} MiB, worker ${results.cost.peakRssMiB.worker} MiB`],
      ['Redis per queued alert', `${results.cost.redisBytesPerQueuedAlert} bytes`],
      [`scale ×${WORKERS * 2} workers`, `${results.scale.deliveriesPerSecond} deliveries/s (${results.scale.ratioToBase} × ${WORKERS})`],
    ];
    process.stdout.write(`\nHerald benchmark (${results.machine.cpus} cores, ${results.machine.memoryGiB} GiB, ${results.machine.node})\n`);
    for (const [name, value] of rows) process.stdout.write(`  ${name.padEnd(24)} ${value}\n`);
    process.stdout.write(`\nJSON: ${path.join(OUTPUT_DIR, 'latest.json')}\n`);
  } finally {
    await cleanUpRun(run, args.includes('--keep-database'));
  }
}

// Named scenarios beside the standard run: `--webhooks N` (one alert to N webhooks), `--redis-day` (Redis sizing).
const scenario = args.includes('--webhooks') ? runWideFanOut(args) : args.includes('--redis-day') ? runRedisDay(args) : main();
scenario.then(
  () => process.exit(0),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
