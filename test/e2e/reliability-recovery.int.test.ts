import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { alertOnceSettled, createWebhook, deliveriesOnceSettled, eventually, postAlert } from '../support/admin-fixtures';

// Herald's own failures that are not an outage: a delivery job that used up its BullMQ attempts
// must not leave its delivery open for as long as BullMQ keeps failed jobs.
jest.setTimeout(60_000);

let herald: Harness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // Revivals of a failed job wait the stale time, doubling each time, and its attempts back off: kept short here.
  herald = await startHarness({ env: { HERALD_SWEEP_STALE_MS: '200', HERALD_JOB_BACKOFF_MS: '10' } });
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

/** A generic webhook on the receiver for one alert type, so the tests do not see each other's alerts. */
function genericWebhook(path: string, alertType: string, extra: Record<string, unknown> = {}) {
  return createWebhook(herald, '/v1/webhooks', {
    name: path,
    url: receiver.url(path),
    type: 'generic',
    alert_types: [alertType],
    ...extra,
  });
}

/** Attempt records cannot be written (an error of the database's, not an outage) until `mend` runs. */
async function breakAttemptRecords(): Promise<{ mend(): Promise<void> }> {
  await herald.database.sql.query('ALTER TABLE delivery_attempts RENAME TO delivery_attempts_away');
  return { mend: () => herald.database.sql.query('ALTER TABLE delivery_attempts_away RENAME TO delivery_attempts').then(() => undefined) };
}

async function onlyDeliveryOf(alertId: string): Promise<string> {
  const [row] = await herald.database.sql.query<{ id: string }>('SELECT id FROM deliveries WHERE alert_id = $1::uuid', [alertId]);
  return (row as { id: string }).id;
}

test('a delivery whose job failed for good on a database error is run again once the error is gone, and is delivered', async () => {
  await genericWebhook('/records', 'print_complete');
  // Every attempt the worker makes throws after sending, until its job has used up its attempts.
  const records = await breakAttemptRecords();
  const alertId = await postAlert(herald, { type: 'print_complete', printer_id: 1 });
  const deliveryId = await onlyDeliveryOf(alertId);
  await eventually('the delivery job to fail for good', async () =>
    (await herald.context.queues.deliveries.getJobState(deliveryId)) === 'failed' ? true : undefined,
  );
  const sentWhileBroken = receiver.requestsFor('/records').length;
  expect(sentWhileBroken).toBeGreaterThan(1);
  const [open] = await herald.database.sql.query<{ status: string }>('SELECT status::text FROM deliveries WHERE id = $1::uuid', [
    deliveryId,
  ]);
  expect(open?.status).toBe('pending');

  await records.mend();
  const [settled] = await deliveriesOnceSettled(herald, alertId);
  expect(settled.status).toBe('delivered');
  expect(settled.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['delivered']);
  // The sweeper may have revived the job once more around the mend (its request then counted above or
  // delivering it); once delivered, nothing more is sent.
  const sentInAll = receiver.requestsFor('/records').length;
  expect(sentInAll).toBeGreaterThanOrEqual(sentWhileBroken);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(receiver.requestsFor('/records')).toHaveLength(sentInAll);
  // Every request carried the same delivery id, so the receiver can drop the repeats.
  expect(new Set(receiver.requestsFor('/records').map((r) => r.headers['webhook-id']))).toEqual(new Set([deliveryId]));
});

test('a webhook deleted while its request is in flight does not make the other endpoints of the same write receive the alert again', async () => {
  // Both endpoints answer after a second, together, so both attempts land in one write.
  receiver.on('/deleted-meanwhile', () => ({ status: 204, delayMs: 1_000 }));
  receiver.on('/stays', () => ({ status: 204, delayMs: 1_000 }));
  const deleted = await genericWebhook('/deleted-meanwhile', 'spool_low');
  await genericWebhook('/stays', 'spool_low');
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

test('an alert whose only delivery was cancelled is no_targets; retried once the webhook is enabled again, it is delivered', async () => {
  const webhook = await genericWebhook('/paused', 'bed_cooled', { rate_limit: { limit: 1, interval_ms: 2_000 } });
  await postAlert(herald, { type: 'bed_cooled', printer_id: 1, title: 'first' });
  await receiver.waitFor((r) => r.some((x) => x.path === '/paused'));
  // The second waits for the next rate slot; the webhook is disabled before it comes.
  const secondId = await postAlert(herald, { type: 'bed_cooled', printer_id: 1, title: 'second' });
  expect((await herald.request('PATCH', `/v1/webhooks/${webhook.id}`, { enabled: false })).status).toBe(200);
  const deliveries = await deliveriesOnceSettled(herald, secondId);
  expect(deliveries.map((d: { webhook_id: string; status: string }) => [d.webhook_id, d.status])).toEqual([[webhook.id, 'cancelled']]);
  const cancelled = deliveries[0];
  const noTargets = await alertOnceSettled(herald, secondId);
  expect({ status: noTargets.status, status_reason: noTargets.status_reason }).toEqual({
    status: 'no_targets',
    status_reason: 'every delivery cancelled',
  });

  expect((await herald.request('PATCH', `/v1/webhooks/${webhook.id}`, { enabled: true })).status).toBe(200);
  expect((await herald.request('POST', `/v1/deliveries/${cancelled.id}/retry`)).status).toBeLessThan(300);
  const delivered = await eventually('the retried delivery to settle the alert again', async () => {
    const { body } = await herald.request('GET', `/v1/alerts/${secondId}`);
    return body.status === 'delivered' ? body : undefined;
  });
  expect(delivered.status_reason).toBeNull();
  expect(receiver.requestsFor('/paused').map((r) => (r.json as { title: string }).title)).toEqual(['first', 'second']);
});

test('a delivery whose job keeps failing on errors of Herald’s own ends dead after five more attempts, spaced out, instead of looping', async () => {
  await genericWebhook('/never-recorded', 'queue_skipped');
  const records = await breakAttemptRecords();
  try {
    const alertId = await postAlert(herald, { type: 'queue_skipped', printer_id: 1 });
    const deliveryId = await onlyDeliveryOf(alertId);
    const dead = await eventually(
      'the delivery to end dead',
      async () => {
        const [delivery] = await herald.database.sql.query<{ status: string; lastError: string | null }>(
          'SELECT status::text, last_error AS "lastError" FROM deliveries WHERE id = $1::uuid',
          [deliveryId],
        );
        return delivery?.status === 'dead' ? delivery : undefined;
      },
      30_000,
    );
    // The database's error stays in the worker log; API users see why in general terms.
    expect(dead.lastError).toBe("gave up after 13 attempts that failed on errors of Herald's own (see the worker log)");
    const requests = receiver.requestsFor('/never-recorded');
    // The first-attempts job's attempt, the delivery job's eight BullMQ attempts, then five revivals of one attempt each.
    expect(requests).toHaveLength(1 + 8 + 5);
    const revivalGaps = requests
      .slice(-6)
      .map((r, i, all) => (i === 0 ? 0 : r.receivedAtMs - (all[i - 1] as { receivedAtMs: number }).receivedAtMs));
    // Each revival waits longer than the one before (200 ms, doubling).
    expect(revivalGaps.slice(1).every((gap, i) => gap >= 200 * 2 ** i)).toBe(true);
    const sent = requests.length;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(receiver.requestsFor('/never-recorded')).toHaveLength(sent);
    const [alert] = await herald.database.sql.query<{ status: string }>('SELECT status::text FROM alerts WHERE id = $1::uuid', [alertId]);
    expect(alert?.status).toBe('failed');
  } finally {
    await records.mend();
  }
});
