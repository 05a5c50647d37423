import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { alertOnceSettled, createWebhook, eventually } from '../support/admin-fixtures';
import { reportFault } from '../../packages/delivery/test/support/fault-kit';

// Issue 16, defect 4: a webhook deleted while its deliveries wait for retries.
jest.setTimeout(60_000);

const ALERTS = 30;
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

test('deleting a webhook mid-retry settles every affected alert with a reason and keeps its deliveries and attempts', async () => {
  receiver.on('/failing', () => ({ status: 500 }));
  const webhook = await createWebhook(herald, '/v1/webhooks', {
    name: 'spool watcher',
    url: receiver.url('/failing'),
    type: 'generic',
    alert_types: ['spool_low'],
    retry_schedule: [30],
  });
  const alertIds: string[] = [];
  for (let i = 0; i < ALERTS; i += 1) {
    const response = await herald.request('POST', '/v1/alerts', { type: 'spool_low', title: `spool ${i}`, message: 'm', printer_id: 1 });
    expect(response.status).toBe(202);
    alertIds.push(response.body.id as string);
  }
  // Every alert had its first attempt (a 500) and waits for a retry.
  await receiver.waitFor(() => receiver.requestsFor('/failing').length >= ALERTS, 20_000);
  await eventually('every first attempt recorded', async () => {
    for (const id of alertIds) {
      const { body } = await herald.request('GET', `/v1/alerts/${id}`);
      if (!(body.deliveries?.[0]?.attempt_count >= 1)) return undefined;
    }
    return true;
  });
  expect((await herald.request('DELETE', `/v1/webhooks/${webhook.id}`)).status).toBe(204);

  const settled = await Promise.all(alertIds.map((id) => alertOnceSettled(herald, id)));
  const attemptsKept = settled.reduce((sum, alert) => sum + (alert.deliveries[0]?.attempts?.length ?? 0), 0);
  reportFault('webhook-deleted-mid-retry', {
    sent: ALERTS,
    delivered: 0,
    duplicates: 0,
    lost: 0,
    settled: settled.length,
    attempts_kept: attemptsKept,
  });
  for (const alert of settled) {
    expect({ status: alert.status, reason: alert.status_reason }).toEqual({ status: 'no_targets', reason: 'every delivery cancelled' });
    expect(alert.deliveries).toHaveLength(1);
    const [delivery] = alert.deliveries;
    expect(delivery).toMatchObject({ status: 'cancelled', last_error: 'webhook deleted', webhook_id: null, webhook_name: 'spool watcher' });
    expect(delivery.attempts.length).toBeGreaterThanOrEqual(1);
    expect(delivery.attempts[0]).toMatchObject({ status_code: 500, outcome: 'retry' });
  }
  // Nothing more is sent to the deleted webhook, and a retry of its delivery is refused with the reason.
  const sent = receiver.requestsFor('/failing').length;
  const retry = await herald.request('POST', `/v1/deliveries/${settled[0].deliveries[0].id}/retry`);
  expect(retry.status).toBe(409);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(receiver.requestsFor('/failing')).toHaveLength(sent);
});

test("an alert's deliveries come in pages (issue 16, defect 5)", async () => {
  for (const name of ['page a', 'page b', 'page c']) {
    receiver.on(`/${name.replace(' ', '-')}`, () => ({ status: 204 }));
    await createWebhook(herald, '/v1/webhooks', {
      name,
      url: receiver.url(`/${name.replace(' ', '-')}`),
      type: 'generic',
      alert_types: ['bed_cooled'],
    });
  }
  const posted = await herald.request('POST', '/v1/alerts', { type: 'bed_cooled', title: 'paged', message: 'm', printer_id: 1 });
  const alertId = posted.body.id as string;
  await alertOnceSettled(herald, alertId);
  const first = await herald.request('GET', `/v1/alerts/${alertId}?deliveries_limit=2`);
  expect(first.body.deliveries).toHaveLength(2);
  expect(first.body.deliveries_next_cursor).toBe(first.body.deliveries[1].id);
  const second = await herald.request(
    'GET',
    `/v1/alerts/${alertId}?deliveries_limit=2&deliveries_cursor=${first.body.deliveries_next_cursor}`,
  );
  expect(second.body.deliveries).toHaveLength(1);
  expect(second.body.deliveries_next_cursor).toBeNull();
  const names = [...first.body.deliveries, ...second.body.deliveries].map((d: { webhook_name: string }) => d.webhook_name).sort();
  expect(names).toEqual(['page a', 'page b', 'page c']);
  const refused = await herald.request('GET', `/v1/alerts/${alertId}?deliveries_limit=0`);
  expect(refused.status).toBe(400);
  expect(refused.body.errors).toEqual([{ field: 'deliveries_limit', message: 'must be an integer from 1 to 500' }]);
});
