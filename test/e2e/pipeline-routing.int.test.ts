import { createAlertIngestor } from '@herald/ingest';
import { startWorker } from '@herald/runtime';
import { createWebhook, deliveriesOnceSettled, postAlert } from '../support/admin-fixtures';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(30_000);

/**
 * The API routes an alert as it saves it: its delivery records and jobs exist by the time the
 * request is answered. When routing fails there, the saved alert goes to the fan-out queue and a
 * worker routes it instead.
 */
let herald: Harness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness({ worker: false });
  await createWebhook(herald, '/v1/webhooks', { name: 'generic', url: receiver.url('/routing'), type: 'generic' });
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

test('POST /v1/alerts answers with the alert already routed: one pending delivery job per webhook, no fan-out job', async () => {
  const alertId = await postAlert(herald, { type: 'print_failed', printer_id: 3 });

  const alert = await herald.request('GET', `/v1/alerts/${alertId}`);
  expect(alert.body.status).toBe('dispatched');
  const deliveries = await herald.request('GET', `/v1/deliveries?alert_id=${alertId}`);
  expect(deliveries.status).toBe(200);
  const [delivery] = deliveries.body.data as { id: string; status: string }[];
  expect(deliveries.body.data).toHaveLength(1);
  expect(delivery?.status).toBe('pending');
  expect(await herald.context.queues.deliveries.getJobState(delivery?.id ?? '')).toBe('waiting');
  expect(await herald.context.queues.alerts.getJobState(alertId)).toBe('unknown');
});

test('when routing at ingest fails, the saved alert goes to the fan-out queue and a worker delivers it', async () => {
  const ingestor = createAlertIngestor({
    sql: herald.context.database.sql,
    queues: herald.context.queues,
    logger: herald.context.logger,
    dispatch: () => Promise.reject(new Error('routing is down')),
  });
  const ref = await ingestor.ingestOne(
    { type: 'spool_low', title: 'Spool low', message: 'PLA at 5 %', printer_id: 5 },
    { id: 'in-process', orgId: null },
  );
  expect(ref.created).toBe(true);
  expect(await herald.context.queues.alerts.getJobState(ref.id)).toBe('waiting');
  expect((await herald.request('GET', `/v1/alerts/${ref.id}`)).body.status).toBe('queued');

  const worker = await startWorker(herald.context);
  try {
    const deliveries = await deliveriesOnceSettled(herald, ref.id);
    expect(deliveries.map((d: { status: string }) => d.status)).toEqual(['delivered']);
    const bodies = receiver.requests.filter((r) => r.path === '/routing').map((r) => JSON.parse(r.body) as { title: string });
    expect(bodies.map((b) => b.title)).toContain('Spool low');
  } finally {
    await worker.close();
  }
});
