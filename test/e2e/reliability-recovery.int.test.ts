import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { createWebhook, deliveriesOnceSettled, eventually, postAlert } from '../support/admin-fixtures';

// Herald's own failures that are not an outage: a delivery job that used up its BullMQ attempts
// must not leave its delivery open for as long as BullMQ keeps failed jobs.
jest.setTimeout(60_000);

let herald: Harness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness();
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

test('a delivery whose job failed for good on a database error gets a new job once the error is gone, and is delivered', async () => {
  await createWebhook(herald, '/v1/webhooks', { name: 'records', url: receiver.url('/records'), type: 'generic' });
  // Attempt records cannot be written (an error of the database's, not an outage): every attempt
  // the worker makes throws after sending, until its job has used up its attempts.
  await herald.database.sql.query('ALTER TABLE delivery_attempts RENAME TO delivery_attempts_away');
  const alertId = await postAlert(herald, { type: 'print_complete', printer_id: 1 });
  const [delivery] = await herald.database.sql.query<{ id: string }>('SELECT id FROM deliveries WHERE alert_id = $1::uuid', [alertId]);
  const deliveryId = (delivery as { id: string }).id;
  await eventually('the delivery job to fail for good', async () =>
    (await herald.context.queues.deliveries.getJobState(deliveryId)) === 'failed' ? true : undefined,
  );
  const sentWhileBroken = receiver.requestsFor('/records').length;
  expect(sentWhileBroken).toBeGreaterThan(1);
  const [open] = await herald.database.sql.query<{ status: string }>('SELECT status::text FROM deliveries WHERE id = $1::uuid', [
    deliveryId,
  ]);
  expect(open?.status).toBe('pending');

  await herald.database.sql.query('ALTER TABLE delivery_attempts_away RENAME TO delivery_attempts');
  const [settled] = await deliveriesOnceSettled(herald, alertId);
  expect(settled.status).toBe('delivered');
  expect(settled.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['delivered']);
  expect(receiver.requestsFor('/records')).toHaveLength(sentWhileBroken + 1);
  // Every request carried the same delivery id, so the receiver can drop the repeats.
  expect(new Set(receiver.requestsFor('/records').map((r) => r.headers['webhook-id']))).toEqual(new Set([deliveryId]));
});

test('a webhook deleted while its request is in flight does not make the other endpoints of the same write receive the alert again', async () => {
  // Both endpoints answer after a second, together, so both attempts land in one write.
  receiver.on('/deleted-meanwhile', () => ({ status: 204, delayMs: 1_000 }));
  receiver.on('/stays', () => ({ status: 204, delayMs: 1_000 }));
  const deleted = await createWebhook(herald, '/v1/webhooks', {
    name: 'deleted meanwhile',
    url: receiver.url('/deleted-meanwhile'),
    type: 'generic',
    alert_types: ['spool_low'],
  });
  await createWebhook(herald, '/v1/webhooks', { name: 'stays', url: receiver.url('/stays'), type: 'generic', alert_types: ['spool_low'] });
  const alertId = await postAlert(herald, { type: 'spool_low', printer_id: 1 });
  await receiver.waitFor((r) => r.some((x) => x.path === '/deleted-meanwhile') && r.some((x) => x.path === '/stays'));
  expect((await herald.request('DELETE', `/v1/webhooks/${deleted.id}`)).status).toBe(204);

  const [stays] = await deliveriesOnceSettled(herald, alertId);
  expect(stays.status).toBe('delivered');
  expect(stays.attempts).toHaveLength(1);
  // A handed-on delivery would be sent again a second later.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  expect(receiver.requestsFor('/stays')).toHaveLength(1);
  expect((await herald.request('GET', `/v1/alerts/${alertId}`)).body.status).toBe('delivered');
});
