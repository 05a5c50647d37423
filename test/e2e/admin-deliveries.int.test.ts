import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import {
  alertOnceSettled,
  createWebhook,
  deliveriesOnceSettled,
  deliveryWithStatus,
  eventually,
  postAlert,
} from '../support/admin-fixtures';

jest.setTimeout(60_000);

let herald: Harness;
let receiver: WebhookReceiver;
/** What each endpoint path answers right now. */
const answers = new Map<string, number>();

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness({ env: { HERALD_RETRY_SCHEDULE: '1' } });
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

async function endpoint(path: string, status: number) {
  answers.set(path, status);
  receiver.on(path, () => ({ status: answers.get(path) ?? 204 }));
  return createWebhook(herald, '/v1/webhooks', { name: path, url: receiver.url(path), type: 'generic' });
}

/** The alert's delivery to one webhook once all its deliveries settled (every test adds system webhooks). */
async function deliveryTo(webhookId: string, alertId: string) {
  const deliveries = await deliveriesOnceSettled(herald, alertId);
  return deliveries.find((d) => d.webhook_id === webhookId);
}

test('a dead delivery is retried once asked: same job id, one more attempt, the alert settles again', async () => {
  const webhook = await endpoint('/recovering', 500);
  const alertId = await postAlert(herald, { printer_id: 1 });
  const dead = await deliveryTo(webhook.id, alertId);
  expect(dead.status).toBe('dead');
  // The alert settles just after its last delivery ends.
  expect((await alertOnceSettled(herald, alertId)).status).toBe('failed');

  const listed = await herald.request('GET', `/v1/deliveries?status=dead&webhook_id=${webhook.id}`);
  expect(listed.status).toBe(200);
  expect(listed.body.data.map((d: { id: string }) => d.id)).toEqual([dead.id]);

  answers.set('/recovering', 204);
  const retried = await herald.request('POST', `/v1/deliveries/${dead.id}/retry`);
  expect(retried.status).toBe(202);
  expect(retried.body).toEqual(expect.objectContaining({ id: dead.id, status: 'pending' }));

  const delivered = await deliveryWithStatus(herald, dead.id, ['delivered']);
  expect(delivered.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 204]);
  expect((await alertOnceSettled(herald, alertId)).status).toBe('delivered');
  // The job is still the one keyed by the delivery id, and the endpoint saw that id every time.
  expect((await herald.context.queues.deliveries.getJob(dead.id))?.id).toBe(dead.id);
  expect(new Set(receiver.requestsFor('/recovering').map((r) => r.headers['webhook-id']))).toEqual(new Set([dead.id]));

  const again = await herald.request('POST', `/v1/deliveries/${dead.id}/retry`);
  expect(again.status).toBe(409);
  expect(again.body.message).toMatch(/delivered/);
});

test('two retries of one delivery at once send it once', async () => {
  const webhook = await endpoint('/rejecting', 400);
  const failed = await deliveryTo(webhook.id, await postAlert(herald, { printer_id: 2 }));
  expect(failed.status).toBe('failed');
  answers.set('/rejecting', 204);
  const before = receiver.requestsFor('/rejecting').length;
  const results = await Promise.all([1, 2, 3].map(() => herald.request('POST', `/v1/deliveries/${failed.id}/retry`)));
  expect(results.map((r) => r.status).sort()).toEqual([202, 409, 409]);
  await deliveryWithStatus(herald, failed.id, ['delivered']);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(receiver.requestsFor('/rejecting').length - before).toBe(1);
});

test('retry refuses while the webhook is disabled, and 404s for unknown deliveries', async () => {
  const webhook = await endpoint('/switched-off', 400);
  const failed = await deliveryTo(webhook.id, await postAlert(herald, { printer_id: 3 }));
  expect(failed.status).toBe('failed');
  expect((await herald.request('PATCH', `/v1/webhooks/${webhook.id}`, { enabled: false })).status).toBe(200);
  const refused = await herald.request('POST', `/v1/deliveries/${failed.id}/retry`);
  expect(refused.status).toBe(409);
  expect(refused.body.message).toMatch(/disabled/);
  expect((await herald.request('GET', `/v1/deliveries/${failed.id}`)).body.status).toBe('failed');

  expect((await herald.request('POST', '/v1/deliveries/0190e0a0-0000-7000-8000-000000000000/retry')).status).toBe(404);
  expect((await herald.request('POST', '/v1/deliveries/not-a-uuid/retry')).status).toBe(404);
  expect((await herald.request('GET', '/v1/deliveries?status=bogus')).status).toBe(400);
  expect((await herald.request('GET', '/v1/deliveries?webhook_id=nope')).status).toBe(400);
});

test('replay re-sends the failed and dead deliveries of one webhook created since a time', async () => {
  const webhook = await endpoint('/outage', 400);
  const other = await endpoint('/other-outage', 400);
  const older = await deliveryTo(webhook.id, await postAlert(herald, { printer_id: 10 }));
  expect(older.status).toBe('failed');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const since = new Date().toISOString();
  const recent = [];
  for (const printer of [11, 12]) recent.push(await deliveryTo(webhook.id, await postAlert(herald, { printer_id: printer })));
  expect(recent.map((d) => d.status)).toEqual(['failed', 'failed']);

  expect((await herald.request('POST', `/v1/webhooks/${webhook.id}/replay`)).status).toBe(400);
  expect((await herald.request('POST', `/v1/webhooks/${webhook.id}/replay?since=yesterday`)).status).toBe(400);

  answers.set('/outage', 204);
  const sentBefore = receiver.requestsFor('/outage').length;
  const replay = await herald.request('POST', `/v1/webhooks/${webhook.id}/replay?since=${encodeURIComponent(since)}`);
  expect(replay.status).toBe(202);
  expect(replay.body).toEqual({ webhook_id: webhook.id, since, replayed: 2, skipped: 0 });
  for (const delivery of recent) await deliveryWithStatus(herald, delivery.id, ['delivered']);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(receiver.requestsFor('/outage').length - sentBefore).toBe(2);
  expect((await herald.request('GET', `/v1/deliveries/${older.id}`)).body.status).toBe('failed');
  // Another webhook's failures are not touched.
  const untouched = await herald.request('GET', `/v1/deliveries?webhook_id=${other.id}&status=failed`);
  expect(untouched.body.data.length).toBeGreaterThanOrEqual(2);

  const nothingLeft = await herald.request('POST', `/v1/webhooks/${webhook.id}/replay?since=${encodeURIComponent(since)}`);
  expect(nothingLeft.body.replayed).toBe(0);
  await eventually('the queue to be idle', async () =>
    (await herald.context.queues.deliveries.getActiveCount()) === 0 ? true : undefined,
  );
});

test('deliveries are listed newest first with cursor pagination', async () => {
  const first = await herald.request('GET', '/v1/deliveries?limit=2');
  expect(first.status).toBe(200);
  expect(first.body.data).toHaveLength(2);
  expect(first.body.next_cursor).toBe(first.body.data[1].id);
  const second = await herald.request('GET', `/v1/deliveries?limit=2&cursor=${first.body.next_cursor}`);
  expect(second.body.data[0].id < first.body.data[1].id).toBe(true);
  const all = await herald.request('GET', '/v1/deliveries?limit=500');
  const ids = all.body.data.map((d: { id: string }) => d.id);
  expect(ids).toEqual([...ids].sort().reverse());
  expect(all.body.next_cursor).toBeNull();
  expect(all.body.data[0]).toEqual(expect.objectContaining({ webhook: expect.objectContaining({ url: expect.stringContaining('••••') }) }));
});
