import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { startPrivateRedis, type PrivateRedis } from '../support/processes';

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
