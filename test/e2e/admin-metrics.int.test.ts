import { createHeraldContext, startWorker, type HeraldContext } from '@herald/runtime';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { createOrg, createToken, createWebhook, deliveriesOnceSettled, eventually, postAlert } from '../support/admin-fixtures';

jest.setTimeout(60_000);

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.on('/refuses', () => ({ status: 400 }));
});

afterAll(async () => {
  await receiver?.close();
});

async function scrape(
  herald: Harness | { address: string },
  token: string | null,
): Promise<{ status: number; text: string; contentType: string | null }> {
  const address = 'api' in herald ? herald.api.address : herald.address;
  const response = await fetch(`${address}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') };
}

/** The value of one sample, e.g. `herald_deliveries_total{outcome="delivered",webhook_type="generic"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics on the API (single process: API and worker share one registry)', () => {
  let herald: Harness;

  beforeAll(async () => {
    herald = await startHarness({ env: { HERALD_METRICS_TOKEN: METRICS_TOKEN } });
  });

  afterAll(async () => {
    await herald?.close();
  });

  test('admin token or the metrics token; others are refused', async () => {
    const org = await createOrg(herald, 'Metrics Farm');
    const orgAdmin = await createToken(herald, { name: 'org admin', role: 'org_admin', org_id: org });
    expect((await scrape(herald, null)).status).toBe(401);
    expect((await scrape(herald, 'not-the-token')).status).toBe(401);
    expect((await scrape(herald, orgAdmin.secret)).status).toBe(403);
    const byToken = await scrape(herald, METRICS_TOKEN);
    expect(byToken.status).toBe(200);
    expect(byToken.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await scrape(herald, herald.adminToken)).status).toBe(200);
    // The metrics token opens /metrics only.
    expect((await herald.request('GET', '/v1/webhooks', undefined, METRICS_TOKEN)).status).toBe(401);
  });

  test('ingest, deliveries by outcome and type, latency, attempts, queues and digests', async () => {
    await createWebhook(herald, '/v1/webhooks', { name: 'generic', url: receiver.url('/ok'), type: 'generic' });
    await createWebhook(herald, '/v1/webhooks', { name: 'discord refusing', url: receiver.url('/refuses'), type: 'discord' });
    const alerts = [
      await postAlert(herald, { type: 'print_complete', printer_id: 1 }),
      await postAlert(herald, { type: 'print_complete', printer_id: 2 }),
      await postAlert(herald, { type: 'spool_low', printer_id: 1, dedupe_key: 'spool-1' }),
    ];
    // A duplicate creates nothing and is not counted.
    expect(
      (await herald.request('POST', '/v1/alerts', { type: 'spool_low', title: 't', message: 'm', printer_id: 1, dedupe_key: 'spool-1' }))
        .status,
    ).toBe(200);
    expect(
      (await herald.request('POST', '/v1/alerts/batch', { alerts: [{ type: 'bed_cooled', title: 't', message: 'm', printer_id: 3 }] }))
        .status,
    ).toBe(202);
    for (const id of alerts) await deliveriesOnceSettled(herald, id);
    await eventually('the batch alert to be delivered', async () => {
      const text = (await scrape(herald, METRICS_TOKEN)).text;
      return sample(text, 'herald_deliveries_total{outcome="delivered",webhook_type="generic"}') === 4 ? true : undefined;
    });

    const { text } = await scrape(herald, METRICS_TOKEN);
    expect(sample(text, 'herald_alerts_ingested_total{type="print_complete"}')).toBe(2);
    expect(sample(text, 'herald_alerts_ingested_total{type="spool_low"}')).toBe(1);
    expect(sample(text, 'herald_alerts_ingested_total{type="bed_cooled"}')).toBe(1);
    expect(sample(text, 'herald_deliveries_total{outcome="delivered",webhook_type="generic"}')).toBe(4);
    await eventually('the refused deliveries to be counted', async () =>
      sample((await scrape(herald, METRICS_TOKEN)).text, 'herald_deliveries_total{outcome="failed",webhook_type="discord"}') === 4
        ? true
        : undefined,
    );
    expect(sample(text, 'herald_delivery_latency_seconds_count{webhook_type="generic"}')).toBe(4);
    expect(sample(text, 'herald_delivery_latency_seconds_bucket{le="+Inf",webhook_type="generic"}')).toBe(4);
    expect(sample(text, 'herald_delivery_latency_seconds_sum{webhook_type="generic"}')).toBeGreaterThan(0);
    expect(sample(text, 'herald_delivery_latency_seconds_count{webhook_type="discord"}')).toBeUndefined();

    const rows = await herald.context.database.prisma.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM delivery_attempts`;
    const count = rows[0]?.count ?? 0n;
    const after = (await scrape(herald, METRICS_TOKEN)).text;
    expect(sample(after, 'herald_delivery_attempts_total')).toBe(Number(count));
    expect(Number(count)).toBe(8);

    for (const queue of ['alerts', 'deliveries']) {
      expect(sample(after, `herald_queue_waiting{queue="${queue}"}`)).toBe(0);
      expect(sample(after, `herald_queue_oldest_waiting_age_seconds{queue="${queue}"}`)).toBe(0);
    }
    expect(sample(after, 'herald_digests_sent_total{scope="system"}')).toBe(0);
    expect(sample(after, 'herald_digests_sent_total{scope="organization"}')).toBe(0);
    // No label carries a URL (the receiver's address is the only one in play).
    expect(after).not.toContain('127.0.0.1');
    expect(after).not.toMatch(/https?:\/\//);
  });
});

describe('separate API and worker processes', () => {
  let herald: Harness;
  let workerContext: HeraldContext | null = null;

  beforeAll(async () => {
    herald = await startHarness({ worker: false, env: { HERALD_METRICS_TOKEN: METRICS_TOKEN } });
  });

  afterAll(async () => {
    await workerContext?.close();
    await herald?.close();
  });

  test('queue depth and the age of the oldest waiting job, then the worker serves its own /metrics', async () => {
    await createWebhook(herald, '/v1/webhooks', { name: 'generic', url: receiver.url('/separate'), type: 'generic' });
    for (const printer of [1, 2, 3]) await postAlert(herald, { type: 'print_failed', printer_id: printer });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const waiting = (await scrape(herald, METRICS_TOKEN)).text;
    // Routed at ingest: three deliveries wait for a worker, nothing waits for fan-out.
    expect(sample(waiting, 'herald_queue_waiting{queue="deliveries"}')).toBe(3);
    expect(sample(waiting, 'herald_queue_oldest_waiting_age_seconds{queue="deliveries"}')).toBeGreaterThanOrEqual(1);
    expect(sample(waiting, 'herald_queue_oldest_waiting_age_seconds{queue="deliveries"}')).toBeLessThan(30);
    expect(sample(waiting, 'herald_queue_waiting{queue="alerts"}')).toBe(0);

    // A worker in its own context, as `npm run start:worker` runs it, with HERALD_WORKER_METRICS_PORT.
    workerContext = await createHeraldContext(herald.config, 'worker', herald.context.logger);
    const worker = await startWorker(workerContext, { metricsPort: 0 });
    try {
      expect(worker.metricsAddress).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const address = worker.metricsAddress ?? '';
      await receiver.waitFor((requests) => requests.filter((r) => r.path === '/separate').length === 3);
      const workerMetrics = await eventually('the worker to count its deliveries', async () => {
        const scraped = await scrape({ address }, METRICS_TOKEN);
        return sample(scraped.text, 'herald_deliveries_total{outcome="delivered",webhook_type="generic"}') === 3 ? scraped : undefined;
      });
      expect(workerMetrics.status).toBe(200);
      expect(sample(workerMetrics.text, 'herald_delivery_latency_seconds_count{webhook_type="generic"}')).toBe(3);
      // Cluster-wide series come from the API only, so summing over processes does not double them.
      expect(workerMetrics.text).not.toContain('herald_queue_waiting');
      expect(workerMetrics.text).not.toContain('herald_alerts_ingested_total{');
      expect((await scrape({ address }, null)).status).toBe(401);
      expect((await fetch(`${address}/other`)).status).toBe(404);

      const api = (await scrape(herald, METRICS_TOKEN)).text;
      expect(sample(api, 'herald_alerts_ingested_total{type="print_failed"}')).toBe(3);
      expect(sample(api, 'herald_deliveries_total{outcome="delivered",webhook_type="generic"}')).toBeUndefined();
      await eventually('the queue to drain', async () => {
        const text = (await scrape(herald, METRICS_TOKEN)).text;
        return sample(text, 'herald_queue_waiting{queue="alerts"}') === 0 &&
          sample(text, 'herald_queue_oldest_waiting_age_seconds{queue="alerts"}') === 0
          ? true
          : undefined;
      });
    } finally {
      await worker.close();
    }
  });
});
