import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/webhook-receiver';
import { createWebhook, deliveriesOnceSettled, eventually } from '../support/admin-fixtures';

// Per-endpoint pacing (shared through Redis) and isolation of slow or throttling endpoints.
jest.setTimeout(60_000);

function alerts(type: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({ type, title: `${type} ${i}`, message: 'm', printer_id: 1 }));
}

async function postBatch(herald: Harness, items: unknown[]): Promise<string[]> {
  const response = await herald.request('POST', '/v1/alerts/batch', { alerts: items });
  expect(response.status).toBe(202);
  return response.body.ids as string[];
}

const times = (requests: ReceivedRequest[]) => requests.map((r) => r.receivedAtMs).sort((a, b) => a - b);

describe('per-endpoint rate limits', () => {
  let herald: Harness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    herald = await startHarness();
  });
  afterAll(async () => {
    await receiver?.close();
    await herald?.close();
  });

  test('Slack 1/s with a burst of 3, Discord 5 per 2 s, generic unpaced, a per-webhook override; nothing lost, nothing failed', async () => {
    const hook = (name: string, type: string, alertType: string, extra: Record<string, unknown> = {}) =>
      createWebhook(herald, '/v1/webhooks', { name, url: receiver.url(`/${name}`), type, alert_types: [alertType], ...extra });
    await hook('slack', 'slack', 'spool_low');
    await hook('discord', 'discord', 'print_failed');
    await hook('generic', 'generic', 'bed_cooled');
    await hook('paced', 'generic', 'job_approved', { rate_limit: { limit: 2, interval_ms: 1_000 } });

    // A burst of ready deliveries: hold the delivery queue while the alerts fan out, then let go.
    const deliveries = herald.context.queues.deliveries;
    await deliveries.pause();
    const ids = (
      await Promise.all([
        postBatch(herald, alerts('spool_low', 12)),
        postBatch(herald, alerts('print_failed', 10)),
        postBatch(herald, alerts('bed_cooled', 20)),
        postBatch(herald, alerts('job_approved', 6)),
      ])
    ).flat();
    await eventually('48 deliveries to be queued', async () => {
      // First attempts wait in BullMQ's prioritized set (they go before retries).
      const counts = await deliveries.getJobCounts('wait', 'prioritized');
      return (counts.wait ?? 0) + (counts.prioritized ?? 0) >= 48 ? true : undefined;
    });
    await deliveries.resume();
    await receiver.waitFor((r) => r.length >= 48, 20_000);

    const slack = times(receiver.requestsFor('/slack'));
    expect(slack).toHaveLength(12);
    const slackOffsets = slack.map((t) => t - (slack[0] as number));
    // The burst of three goes without waiting for a slot; after it, never faster than one a
    // second and no slower than the limit makes it. Times are taken at the receiver, so 150 ms
    // are allowed for a busy machine sending the first request late.
    expect(slackOffsets[2]).toBeLessThan(500);
    slackOffsets.forEach((offset, i) => expect(offset).toBeGreaterThanOrEqual((i - 2) * 1_000 - 250));
    expect(slackOffsets[11]).toBeLessThan(9 * 1_000 + 1_500);

    const discord = times(receiver.requestsFor('/discord'));
    expect(discord).toHaveLength(10);
    // Never more than 5 within 2 s (allowing for receiver-side timing as above), and no slower than that.
    for (let i = 0; i + 5 < discord.length; i++) expect((discord[i + 5] as number) - (discord[i] as number)).toBeGreaterThanOrEqual(1_750);
    expect((discord[9] as number) - (discord[0] as number)).toBeLessThan(3_000);

    const generic = times(receiver.requestsFor('/generic'));
    expect(generic).toHaveLength(20);
    // Unpaced: as fast as the worker goes (paced like Discord, 20 would take 6 s).
    expect((generic[19] as number) - (generic[0] as number)).toBeLessThan(1_500);

    const paced = times(receiver.requestsFor('/paced'));
    expect(paced).toHaveLength(6);
    for (let i = 0; i + 2 < paced.length; i++) expect((paced[i + 2] as number) - (paced[i] as number)).toBeGreaterThanOrEqual(750);

    // Delayed to their slot, not failed and retried: one attempt each, all delivered.
    for (const id of ids) {
      const [delivery] = await deliveriesOnceSettled(herald, id);
      expect(delivery.status).toBe('delivered');
      expect(delivery.attempts).toHaveLength(1);
    }
  });
});

describe('isolation: a slow and a throttling endpoint do not delay a third', () => {
  let herald: Harness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // Few worker slots, so an endpoint allowed to hold them all would starve the others.
    herald = await startHarness({
      env: { HERALD_WORKER_CONCURRENCY: '6', HERALD_ENDPOINT_CONCURRENCY: '2', HERALD_SHUTDOWN_GRACE_MS: '1000' },
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await herald?.close();
  });

  test('each alert reaches the healthy endpoint within 1 s', async () => {
    receiver.on('/slow', () => ({ status: 204, delayMs: 10_000 }));
    receiver.on('/throttling', () => ({ status: 429, headers: { 'retry-after': '5' } }));
    for (const name of ['slow', 'throttling', 'healthy']) {
      await createWebhook(herald, '/v1/webhooks', { name, url: receiver.url(`/${name}`), type: 'generic' });
    }
    const postedAt: number[] = [];
    for (let i = 0; i < 12; i++) {
      postedAt.push(Date.now());
      expect(
        (await herald.request('POST', '/v1/alerts', { type: 'print_failed', title: `alert ${i}`, message: 'm', printer_id: 1 })).status,
      ).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await receiver.waitFor(() => receiver.requestsFor('/healthy').length === 12, 5_000);
    const latencies = receiver.requestsFor('/healthy').map((r) => {
      const index = Number(/alert (\d+)/.exec(r.body)?.[1]);
      return r.receivedAtMs - (postedAt[index] as number);
    });
    expect(Math.max(...latencies)).toBeLessThan(1_000);
    // Meanwhile the slow endpoint never had more than its share of requests open...
    expect(receiver.requestsFor('/slow').length).toBeLessThanOrEqual(2);
    // ...and the throttling one was asked once, then left alone for its Retry-After.
    expect(receiver.requestsFor('/throttling')).toHaveLength(1);
  });
});
