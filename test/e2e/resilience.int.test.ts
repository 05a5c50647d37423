import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { spawnApp, startPrivateRedis, waitForOutput, type PrivateRedis } from '../support/processes';

jest.setTimeout(120_000);

function alert(i: number) {
  return { type: 'print_complete', title: `Alert ${i}`, message: `number ${i}`, printer_id: 1 };
}

function uniqueTitles(receiver: WebhookReceiver, path: string): Set<string> {
  return new Set(receiver.requestsFor(path).map((r) => (r.json as { title: string }).title));
}

describe('an accepted alert is never lost', () => {
  let receiver: WebhookReceiver;
  let redis: PrivateRedis;
  let herald: Harness;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await herald?.close();
    await redis?.stop();
    await receiver?.close();
  });

  test('alerts posted while Redis is down are answered 202 and delivered once it is back', async () => {
    herald = await startHarness({ env: { REDIS_URL: redis.url } });
    expect((await herald.request('POST', '/v1/webhooks', { name: 'g', url: receiver.url('/redis-down'), type: 'generic' })).status).toBe(
      201,
    );
    expect((await herald.request('POST', '/v1/alerts', alert(0))).status).toBe(202);
    await receiver.waitFor(() => uniqueTitles(receiver, '/redis-down').size === 1);

    await redis.stop();
    for (let i = 1; i <= 20; i++) {
      const response = await herald.request('POST', '/v1/alerts', alert(i));
      expect(response.status).toBe(202);
    }
    const ready = await herald.request('GET', '/readyz', undefined, null);
    expect(ready.status).toBe(503);
    expect(ready.body.redis).toBe('down');

    // Back with an empty data set: only the database knows about alerts 1..20.
    await redis.start();
    await receiver.waitFor(() => uniqueTitles(receiver, '/redis-down').size === 21, 30_000);
    expect(receiver.requestsFor('/redis-down')).toHaveLength(21);
  });
});

describe('a delivery worker killed mid-run', () => {
  let receiver: WebhookReceiver;
  let herald: Harness;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    herald = await startHarness({ worker: false });
  });
  afterAll(async () => {
    await herald?.close();
    await receiver?.close();
  });

  test('kill -9 during a burst, start another: every alert delivered, repeats carry the same webhook-id', async () => {
    // Slow answers keep many deliveries in flight when the worker dies.
    receiver.on('/killed', () => ({ status: 204, delayMs: 30 }));
    expect((await herald.request('POST', '/v1/webhooks', { name: 'g', url: receiver.url('/killed'), type: 'generic' })).status).toBe(201);
    const env = {
      DATABASE_URL: herald.config.databaseUrl as string,
      REDIS_URL: herald.config.redisUrl,
      HERALD_QUEUE_PREFIX: herald.config.queuePrefix,
      HERALD_FERNET_KEYS: herald.config.fernetKeys.join(','),
      HERALD_ALLOWED_PRIVATE_TARGETS: '127.0.0.0/8',
      HERALD_JOB_LOCK_MS: '2000',
      HERALD_WORKER_CONCURRENCY: '20',
    };
    const first = spawnApp('worker', env);
    await waitForOutput(first, /delivery worker started/);

    const total = 400;
    for (let start = 0; start < total; start += 100) {
      const alerts = Array.from({ length: 100 }, (_, i) => alert(start + i));
      expect((await herald.request('POST', '/v1/alerts/batch', { alerts })).status).toBe(202);
    }
    await receiver.waitFor(() => receiver.requestsFor('/killed').length >= 50, 30_000);
    first.kill('SIGKILL');
    await first.exited;
    const deliveredBeforeKill = uniqueTitles(receiver, '/killed').size;
    expect(deliveredBeforeKill).toBeLessThan(total);

    const second = spawnApp('worker', env);
    try {
      await receiver.waitFor(() => uniqueTitles(receiver, '/killed').size === total, 60_000);
    } finally {
      second.kill('SIGTERM');
      await second.exited;
    }
    const requests = receiver.requestsFor('/killed');
    const byDeliveryId = new Map<string, Set<string>>();
    for (const r of requests) {
      const id = r.headers['webhook-id'] as string;
      byDeliveryId.set(id, (byDeliveryId.get(id) ?? new Set()).add((r.json as { title: string }).title));
    }
    // One delivery id per alert, and a repeated request is the same delivery (same id, same alert).
    expect(byDeliveryId.size).toBe(total);
    for (const titles of byDeliveryId.values()) expect(titles.size).toBe(1);
    const duplicates = requests.length - total;
    expect(duplicates).toBeLessThanOrEqual(20 + 1);
  });
});
