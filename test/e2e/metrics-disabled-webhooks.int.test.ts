import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(60_000);

const METRICS_TOKEN = 'metrics-scraper-token-disabled-0123456789';

let receiver: WebhookReceiver;
let herald: Harness;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.on('/refuses', () => ({ status: 400 }));
  // One failure over no time at all disables a webhook: the health rule at its tightest.
  herald = await startHarness({
    env: { HERALD_METRICS_TOKEN: METRICS_TOKEN, HERALD_HEALTH_FAILURES: '1', HERALD_HEALTH_WINDOW_HOURS: '0' },
  });
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

async function disabledGauge(): Promise<number | undefined> {
  const response = await fetch(`${herald.api.address}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = (await response.text()).split('\n').find((l) => l.startsWith('herald_webhooks_disabled '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

test('herald_webhooks_disabled counts the webhooks Herald turned off, for an alert rule', async () => {
  expect(await disabledGauge()).toBe(0);
  const created = await herald.request('POST', '/v1/webhooks', { name: 'refuses', url: receiver.url('/refuses'), type: 'generic' });
  expect(created.status).toBe(201);
  expect((await herald.request('POST', '/v1/alerts', { type: 'print_failed', title: 't', message: 'm', printer_id: 1 })).status).toBe(202);

  const deadline = Date.now() + 20_000;
  while ((await herald.request('GET', `/v1/webhooks/${created.body.id}`)).body.disabled_reason == null) {
    if (Date.now() > deadline) throw new Error('the webhook was not disabled');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(await disabledGauge()).toBe(1);
});
