import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { cpuMicros, peakRssMiB } from './proc-stats';
import { percentile } from './percentiles';
import {
  benchOptions,
  cleanUpRun,
  heraldEnv,
  buildBundles,
  log,
  migrate,
  ROOT,
  sleep,
  start,
  startApi,
  startReceiver,
  startRun,
  stop,
  waitFor,
} from './harness';

/**
 * `npm run bench -- --webhooks 2000`: one farm's worst day. N generic webhooks on one local
 * receiver, `--wide-alerts` alerts (50) posted one by one while the worker runs, every delivery
 * checked at the receiver (one per webhook and alert, duplicates counted by webhook URL and alert).
 * Reports the worker's peak RSS (the bar: ≤ 250 MB), the API's answer time per alert and the size
 * of `GET /v1/alerts/:id` for a wide alert. Production defaults: rate limits and in-flight caps on
 * (`--rate-limits off` to match the standard run).
 */
export async function runWideFanOut(args: string[]): Promise<void> {
  const { option, stringOption } = benchOptions(args);
  const WEBHOOKS = option('webhooks', 2_000);
  const ALERTS = option('wide-alerts', 50);
  const CONCURRENCY = option('concurrency', 50);
  const RATE_LIMITS = stringOption('rate-limits', 'on') !== 'off';
  const OUTPUT_DIR = path.resolve(stringOption('output', path.join(ROOT, 'bench', 'results')));

  const run = await startRun();
  const { runId, database, databaseUrl, adminToken, procs, dispatcher } = run;
  try {
    await buildBundles();
    log(`wide fan-out ${runId}: migrating ${database}`);
    await migrate(databaseUrl);
    const receiver = await startReceiver();
    procs.push(receiver.proc);
    const receiverUrl = (p: string) => `http://127.0.0.1:${receiver.port}${p}`;
    const receiverStats = async () =>
      (await (await fetch(receiverUrl('/stats/brief'))).json()) as {
        received: number;
        duplicates: number;
        firstAtMs: number;
        lastAtMs: number;
      };

    const env = heraldEnv(run, { rateLimits: RATE_LIMITS, concurrency: CONCURRENCY });
    const api = await startApi(env);
    procs.push(api.proc);
    const call = async (method: 'GET' | 'POST', route: string, body?: unknown) => {
      const response = await request(`${api.base}${route}`, {
        method,
        dispatcher,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.body.text();
      if (response.statusCode >= 300) throw new Error(`${method} ${route}: ${response.statusCode} ${text}`);
      return text;
    };

    log(`registering ${WEBHOOKS} generic webhooks on one receiver`);
    let registered = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (registered < WEBHOOKS) {
          const i = registered++;
          await call('POST', '/v1/webhooks', { name: `wide ${i}`, url: receiverUrl(`/generic/${i}`), type: 'generic' });
        }
      }),
    );

    // The worker's own /metrics tells heap from the rest of its RSS (sockets, buffers, code).
    const metricsPort = 20_000 + Math.floor(Math.random() * 20_000);
    const worker = start('worker', 'apps/worker/dist/main.js', { ...env, HERALD_WORKER_METRICS_PORT: String(metricsPort) });
    const heapPeak = { usedMiB: 0, totalMiB: 0, externalMiB: 0 };
    const sampleHeap = async () => {
      const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
        (r) => r.text(),
        () => '',
      );
      const read = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? 0) / 2 ** 20;
      heapPeak.usedMiB = Math.max(heapPeak.usedMiB, read('nodejs_heap_size_used_bytes'));
      heapPeak.totalMiB = Math.max(heapPeak.totalMiB, read('nodejs_heap_size_total_bytes'));
      heapPeak.externalMiB = Math.max(heapPeak.externalMiB, read('nodejs_external_memory_bytes'));
      return read('nodejs_heap_size_used_bytes');
    };
    procs.push(worker);
    await waitFor(() => worker.child.pid !== undefined, 5_000, 'worker pid');
    await sleep(3_000); // the worker connects and loads its webhook cache before the first alert
    const workerPid = worker.child.pid as number;
    const workerIdleRssMiB = currentRssMiB(workerPid);
    const apiRssBeforeMiB = currentRssMiB(api.proc.child.pid as number);
    const workerCpuBefore = cpuMicros(workerPid);

    log(`posting ${ALERTS} alerts one by one, each to ${WEBHOOKS} webhooks (${ALERTS * WEBHOOKS} deliveries)`);
    await fetch(receiverUrl('/reset'), { method: 'POST' });
    const answerMs: number[] = [];
    const alertIds: string[] = [];
    const started = performance.now();
    for (let seq = 0; seq < ALERTS; seq++) {
      const at = performance.now();
      const text = await call('POST', '/v1/alerts', {
        type: 'print_failed',
        title: `bench ${seq} ${Date.now()}`,
        message: 'wide fan-out',
        printer_id: 1,
      });
      answerMs.push(performance.now() - at);
      alertIds.push((JSON.parse(text) as { id: string }).id);
    }
    const ingestSeconds = (performance.now() - started) / 1000;
    const expected = ALERTS * WEBHOOKS;
    let lastLog = 0;
    await waitFor(
      async () => {
        const { received } = await receiverStats();
        const heapUsed = await sampleHeap();
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          log(
            `  ${received} / ${expected} delivered, worker RSS ${Math.round(currentRssMiB(workerPid))} MiB, heap used ${Math.round(heapUsed)} MiB`,
          );
        }
        return received >= expected;
      },
      30 * 60_000,
      `${expected} deliveries`,
      500,
    );
    const seconds = (performance.now() - started) / 1000;
    await sleep(2_000); // a late duplicate would arrive now
    const stats = await receiverStats();
    const workerPeakRssMiB = peakRssMiB(workerPid);
    const workerCpu = cpuMicros(workerPid) - workerCpuBefore;
    const apiPeakRssMiB = peakRssMiB(api.proc.child.pid as number);
    // The API's view of a wide alert: its deliveries come in pages.
    const alertView = await call('GET', `/v1/alerts/${alertIds[0]}`);
    const view = JSON.parse(alertView) as { deliveries: unknown[]; deliveries_next_cursor: string | null };
    await stop(worker);

    answerMs.sort((a, b) => a - b);
    const results = {
      runId,
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      // Timings share the machine with whatever else runs: read them as "under load" unless it was quiet.
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(1))),
      options: { webhooks: WEBHOOKS, alerts: ALERTS, concurrency: CONCURRENCY, rateLimits: RATE_LIMITS },
      deliveries: { expected, delivered: stats.received, lost: expected - stats.received, duplicates: stats.duplicates },
      seconds: Math.round(seconds * 10) / 10,
      deliveriesPerSecond: Math.round(stats.received / seconds),
      workerCpuMicrosPerDelivery: Math.round(workerCpu / Math.max(1, stats.received)),
      workerRss: {
        idleMiB: Math.round(workerIdleRssMiB),
        peakMiB: Math.round(workerPeakRssMiB),
        peakMB: Math.round((workerPeakRssMiB * 2 ** 20) / 1e6),
        // Sampled from the worker's /metrics every half second (peaks between samples are missed).
        heapUsedPeakMiB: Math.round(heapPeak.usedMiB),
        heapTotalPeakMiB: Math.round(heapPeak.totalMiB),
        externalPeakMiB: Math.round(heapPeak.externalMiB),
      },
      apiRss: { beforeMiB: Math.round(apiRssBeforeMiB), peakMiB: Math.round(apiPeakRssMiB) },
      ingest: {
        seconds: Math.round(ingestSeconds * 10) / 10,
        answerMsPerAlert: { p50: Math.round(percentile(answerMs, 50)), p99: Math.round(percentile(answerMs, 99)) },
      },
      alertView: {
        bytes: Buffer.byteLength(alertView),
        deliveriesOnPage: view.deliveries.length,
        paged: view.deliveries_next_cursor !== null,
      },
    };
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    fs.writeFileSync(path.join(OUTPUT_DIR, 'wide-fan-out.json'), `${JSON.stringify(results, null, 2)}\n`);
    const rows: [string, string][] = [
      [
        'deliveries',
        `${results.deliveries.delivered} of ${expected} (lost ${results.deliveries.lost}, duplicates ${results.deliveries.duplicates})`,
      ],
      ['time', `${results.seconds} s from the first post to the last receipt (${results.deliveriesPerSecond} deliveries/s)`],
      [
        'worker peak RSS',
        `${results.workerRss.peakMiB} MiB = ${results.workerRss.peakMB} MB (idle ${results.workerRss.idleMiB} MiB; bar ≤ 250 MB); heap used ≤ ${results.workerRss.heapUsedPeakMiB} MiB of ≤ ${results.workerRss.heapTotalPeakMiB} MiB, external ≤ ${results.workerRss.externalPeakMiB} MiB`,
      ],
      ['worker CPU', `${results.workerCpuMicrosPerDelivery} µs per delivery`],
      ['API answer per alert', `p50 ${results.ingest.answerMsPerAlert.p50} ms, p99 ${results.ingest.answerMsPerAlert.p99} ms`],
      ['API peak RSS', `${results.apiRss.peakMiB} MiB`],
      [
        'GET /v1/alerts/:id',
        `${results.alertView.bytes} bytes, ${results.alertView.deliveriesOnPage} deliveries on the first page${results.alertView.paged ? ' (more pages)' : ''}`,
      ],
    ];
    process.stdout.write(
      `\nHerald wide fan-out: ${WEBHOOKS} webhooks × ${ALERTS} alerts (${results.machine.cpus} cores, load ${results.loadAverage.join(' ')}, rate limits ${RATE_LIMITS ? 'on' : 'off'})\n`,
    );
    for (const [name, value] of rows) process.stdout.write(`  ${name.padEnd(22)} ${value}\n`);
    process.stdout.write(`\nJSON: ${path.join(OUTPUT_DIR, 'wide-fan-out.json')}\n`);
  } finally {
    await cleanUpRun(run, args.includes('--keep-database'));
  }
}

function currentRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}
