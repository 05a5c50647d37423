import { createAlertIngestor } from '@herald/ingest';
import { firstAttemptsJobId } from '@herald/queue';
import { startWorker } from '@herald/runtime';
import { createOrg, createToken, createWebhook, deliveriesOnceSettled, eventually, postAlert } from '../support/admin-fixtures';
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

test('POST /v1/alerts answers with the alert already routed: its deliveries pending in one first-attempts job, no fan-out job', async () => {
  const alertId = await postAlert(herald, { type: 'print_failed', printer_id: 3 });

  const alert = await herald.request('GET', `/v1/alerts/${alertId}`);
  expect(alert.body.status).toBe('dispatched');
  const deliveries = await herald.request('GET', `/v1/deliveries?alert_id=${alertId}`);
  expect(deliveries.status).toBe(200);
  const [delivery] = deliveries.body.data as { id: string; status: string }[];
  expect(deliveries.body.data).toHaveLength(1);
  expect(delivery?.status).toBe('pending');
  const job = await herald.context.queues.deliveries.getJob(firstAttemptsJobId(alertId));
  // First attempts go ahead of retries (issue 16): the job waits in the prioritized set.
  expect(await job?.getState()).toBe('prioritized');
  expect(job?.data).toEqual({ deliveries: [[delivery?.id, expect.any(String)]] });
  expect(await herald.context.queues.deliveries.getJobState(delivery?.id ?? '')).toBe('unknown');
  expect(await herald.context.queues.alerts.getJobState(alertId)).toBe('unknown');
});

test('when routing at ingest fails, the saved alert goes to the fan-out queue and a worker delivers it', async () => {
  const ingestor = createAlertIngestor({
    sql: herald.context.database.sql,
    queues: herald.context.queues,
    logger: herald.context.logger,
    router: { route: () => Promise.reject(new Error('routing is down')), refresh: () => undefined },
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

/**
 * The API routes from its cache of printers' organizations. A printer moved behind the cache's
 * back (another process, a missed change message) must not send an alert to the wrong
 * organization's webhooks: the save notices, routes it from the database instead, and reloads.
 */
test('an alert whose printer changed organization behind the cache is routed by its true organization', async () => {
  const orgId = await createOrg(herald, 'Moved-to Farm');
  await createWebhook(herald, `/v1/orgs/${orgId}/webhooks`, { name: 'moved-to', url: receiver.url('/moved-to'), type: 'generic' });
  expect((await herald.request('PUT', '/v1/printers/77', { name: 'Mover', org_id: null })).status).toBe(200);
  await postAlert(herald, { type: 'spool_low', printer_id: 77 }); // the cache now holds printer 77 without an organization

  await herald.context.database.sql.query('UPDATE printers SET org_id = $1 WHERE id = 77', [orgId]);
  const alertId = await postAlert(herald, { type: 'print_failed', printer_id: 77, title: 'Moved printer failed' });

  const alert = (await herald.request('GET', `/v1/alerts/${alertId}`)).body;
  expect(alert.org_id).toBe(orgId);
  expect(alert.printer_name).toBe('Mover');
  const worker = await startWorker(herald.context);
  try {
    const deliveries = await deliveriesOnceSettled(herald, alertId);
    expect(deliveries.map((d: { webhook: { name: string } }) => d.webhook.name).sort()).toEqual(['generic', 'moved-to']);
    // The cache was reloaded: the next alert is routed at ingest again, with no fan-out job.
    const nextId = await postAlert(herald, { type: 'print_failed', printer_id: 77 });
    expect((await herald.request('GET', `/v1/alerts/${nextId}`)).body.status).not.toBe('queued');
    expect(await herald.context.queues.alerts.getJobState(nextId)).toBe('unknown');
  } finally {
    await worker.close();
  }
});

test("an organization's ingestor is refused a printer the cache still counts as its own", async () => {
  const orgId = await createOrg(herald, 'Losing Farm');
  const ingestor = await createToken(herald, { name: 'losing ingestor', role: 'ingestor', org_id: orgId });
  expect((await herald.request('PUT', '/v1/printers/88', { name: 'Leaving', org_id: orgId })).status).toBe(200);
  await postAlert(herald, { type: 'spool_low', printer_id: 88 }, ingestor.secret);

  await herald.context.database.sql.query('UPDATE printers SET org_id = NULL WHERE id = 88');
  const refused = await herald.request(
    'POST',
    '/v1/alerts',
    { type: 'spool_low', title: 't', message: 'm', printer_id: 88 },
    ingestor.secret,
  );

  expect(refused.status).toBe(403);
  expect(refused.body.errors).toEqual([{ field: 'printer_id', message: "is not a printer of this token's organization" }]);
  const listed = await herald.request('GET', '/v1/alerts?printer_id=88');
  expect(listed.body.data).toHaveLength(1);
});

test('concurrent single alerts are saved together, yet each request gets its own answer', async () => {
  const orgId = await createOrg(herald, 'Busy Farm');
  const ingestor = await createToken(herald, { name: 'busy ingestor', role: 'ingestor', org_id: orgId });
  expect((await herald.request('PUT', '/v1/printers/61', { name: 'Busy-1', org_id: orgId })).status).toBe(200);
  const post = (body: Record<string, unknown>) =>
    herald.request('POST', '/v1/alerts', { type: 'spool_low', title: 'Busy', message: 'm', ...body }, ingestor.secret);

  const answers = await Promise.all([
    ...Array.from({ length: 20 }, (_, i) => post({ printer_id: 61, title: `Busy ${i}` })),
    post({ printer_id: 62 }), // not this organization's printer
    post({ printer_id: 61, dedupe_key: 'busy-twice' }),
    post({ printer_id: 61, dedupe_key: 'busy-twice' }),
  ]);

  expect(answers.slice(0, 20).map((a) => a.status)).toEqual(Array(20).fill(202));
  expect(new Set(answers.slice(0, 20).map((a) => a.body.id)).size).toBe(20);
  expect(answers[20]?.status).toBe(403);
  expect(answers[20]?.body.errors).toEqual([{ field: 'printer_id', message: "is not a printer of this token's organization" }]);
  const twice = answers.slice(21);
  expect(twice.map((a) => a.status).sort()).toEqual([200, 202]);
  expect(twice[0]?.body.id).toBe(twice[1]?.body.id);
  const saved = await herald.request('GET', `/v1/alerts?printer_id=61&limit=100`);
  expect(saved.body.data).toHaveLength(21);
});

test('a delivery that has to wait leaves its alert’s job for a job of its own; the others are done at once', async () => {
  const quick = await startHarness({ env: { HERALD_RETRY_SCHEDULE: '1' } });
  try {
    let flakyCalls = 0;
    receiver.on('/flaky', () => (++flakyCalls === 1 ? { status: 503 } : { status: 204 }));
    await createWebhook(quick, '/v1/webhooks', { name: 'steady', url: receiver.url('/steady'), type: 'generic' });
    await createWebhook(quick, '/v1/webhooks', { name: 'flaky', url: receiver.url('/flaky'), type: 'generic' });

    const alertId = await postAlert(quick, { type: 'spool_low', title: 'Wait for me', printer_id: 9 });
    const deliveries = (await deliveriesOnceSettled(quick, alertId)) as {
      id: string;
      status: string;
      attempt_count: number;
      webhook: { name: string };
    }[];

    const byName = Object.fromEntries(deliveries.map((d) => [d.webhook.name, d]));
    expect(byName.steady).toEqual(expect.objectContaining({ status: 'delivered', attempt_count: 1 }));
    expect(byName.flaky).toEqual(expect.objectContaining({ status: 'delivered', attempt_count: 2 }));
    const { deliveries: queue } = quick.context.queues;
    // A job completes a moment after its delivery's status is written.
    const completed = async (jobId: string) =>
      eventually(`job ${jobId} to complete`, async () => ((await queue.getJobState(jobId)) === 'completed' ? 'completed' : undefined));
    expect(await completed(firstAttemptsJobId(alertId))).toBe('completed');
    expect(await completed(byName.flaky?.id ?? '')).toBe('completed');
    expect(await queue.getJobState(byName.steady?.id ?? '')).toBe('unknown');
    expect(receiver.requests.filter((r) => r.path === '/steady' && r.body.includes('Wait for me'))).toHaveLength(1);
    expect(receiver.requests.filter((r) => r.path === '/flaky' && r.body.includes('Wait for me'))).toHaveLength(2);
  } finally {
    await quick.close();
  }
});
