import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { createWebhook, deliveriesOnceSettled, eventually } from '../support/admin-fixtures';

// Endpoint health: N consecutive failed deliveries spanning at least T disable a webhook.
jest.setTimeout(60_000);

const HOUR = 3_600_000;
let herald: Harness;
let receiver: WebhookReceiver;
/** The injected clock runs `offset` ms ahead of the wall clock. */
let offset = 0;
const logLines: string[] = [];
let failingStatus = 400;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.on('/failing', () => ({ status: failingStatus }));
  herald = await startHarness({
    env: { HERALD_HEALTH_FAILURES: '3', HERALD_HEALTH_WINDOW_HOURS: '1', LOG_LEVEL: 'warn' },
    now: () => Date.now() + offset,
    logDestination: { write: (line: string) => void logLines.push(line) },
  });
});

afterAll(async () => {
  await receiver?.close();
  await herald?.close();
});

async function deliverOne(): Promise<string> {
  const response = await herald.request('POST', '/v1/alerts', {
    type: 'printer_error',
    title: 'Nozzle',
    message: 'clogged',
    printer_id: 2,
  });
  expect(response.status).toBe(202);
  const [delivery] = await deliveriesOnceSettled(herald, response.body.id);
  return delivery.status;
}

async function streak(webhookId: string) {
  return herald.database.prisma.webhook.findUniqueOrThrow({
    where: { id: webhookId },
    select: { consecutiveFailures: true, firstFailureAt: true, disabledReason: true },
  });
}

/** The worker counts a failure just after it records the failed delivery: wait for the count. */
async function streakOf(webhookId: string, failures: number) {
  return eventually(`a streak of ${failures} failures`, async () => {
    const current = await streak(webhookId);
    return current.consecutiveFailures === failures ? current : undefined;
  });
}

test('a success ends the streak; N failures within T do not disable; the N+1th after T does, with a notice to the other system webhooks', async () => {
  const failing = await createWebhook(herald, '/v1/webhooks', {
    name: 'Farm floor',
    url: receiver.url('/failing'),
    type: 'generic',
    alert_types: ['printer_error'],
  });
  // Two more system webhooks, for other alert types: they receive only the notice.
  const notices = await createWebhook(herald, '/v1/webhooks', {
    name: 'ops',
    url: receiver.url('/notices'),
    type: 'generic',
    alert_types: ['bed_cooled'],
  });
  await createWebhook(herald, '/v1/webhooks', {
    name: 'ops chat',
    url: receiver.url('/notices-discord'),
    type: 'discord',
    alert_types: ['bed_cooled'],
  });

  expect([await deliverOne(), await deliverOne()]).toEqual(['failed', 'failed']);
  await streakOf(failing.id, 2);
  failingStatus = 204;
  expect(await deliverOne()).toBe('delivered');
  expect(await streak(failing.id)).toEqual({ consecutiveFailures: 0, firstFailureAt: null, disabledReason: null });

  failingStatus = 400;
  const firstFailureAt = Date.now() + offset;
  expect([await deliverOne(), await deliverOne(), await deliverOne()]).toEqual(['failed', 'failed', 'failed']);
  const afterThree = await streakOf(failing.id, 3);
  // Three failures, but all within minutes of each other: a burst during a short outage.
  expect(afterThree.disabledReason).toBeNull();
  expect(afterThree.firstFailureAt?.getTime()).toBeGreaterThanOrEqual(firstFailureAt);

  offset += HOUR + 60_000;
  expect(await deliverOne()).toBe('failed');
  const since = (afterThree.firstFailureAt as Date).toISOString();
  const reason = `failing: 4 consecutive failed deliveries since ${since}`;
  // The delivery is recorded as failed a moment before the worker disables the webhook and logs it: wait for both.
  const shown = await eventually('the webhook to be disabled', async () => {
    const response = await herald.request('GET', `/v1/webhooks/${failing.id}`);
    return response.body.disabled_at === null ? undefined : response.body;
  });
  expect(shown.disabled_reason).toBe(reason);

  // Logged once as an event, without the URL.
  await eventually('the webhook_disabled event to be logged', async () =>
    logLines.some((line) => line.includes('"webhook_disabled"')) ? true : undefined,
  );
  const events = logLines.filter((line) => line.includes('"webhook_disabled"'));
  expect(events).toHaveLength(1);
  expect(JSON.parse(events[0] as string)).toEqual(
    expect.objectContaining({ event: 'webhook_disabled', webhookId: failing.id, cause: 'failing', reason }),
  );
  expect(events[0]).not.toContain(receiver.url('/failing'));

  // The notice: generic JSON to the generic system webhook, an embed to the Discord one, none to the failing one.
  await receiver.waitFor(() => receiver.requestsFor('/notices').length === 1 && receiver.requestsFor('/notices-discord').length === 1);
  const notice = receiver.requestsFor('/notices')[0];
  expect(notice?.json).toEqual({
    type: 'webhook_disabled',
    webhook_id: failing.id,
    name: 'Farm floor',
    webhook_type: 'generic',
    org_id: null,
    reason,
    timestamp: expect.any(Number),
  });
  expect(notice?.body).not.toContain('127.0.0.1');
  const embed = (receiver.requestsFor('/notices-discord')[0]?.json as { embeds: { title: string; description: string }[] }).embeds[0];
  expect(embed?.title).toContain('Farm floor');
  expect(embed?.description).toContain(reason);
  // The receiver sees the request a moment before the attempt is written: wait for the record.
  const listed = await eventually('the notice delivery to be recorded', async () => {
    const response = await herald.request('GET', `/v1/deliveries?webhook_id=${notices.id}`);
    return response.body.data[0]?.status === 'delivered' ? response.body.data : undefined;
  });
  expect(listed).toEqual([expect.objectContaining({ kind: 'notice', status: 'delivered', alert_id: null })]);

  // Nothing more goes to the disabled webhook.
  const sentBefore = receiver.requestsFor('/failing').length;
  const later = await herald.request('POST', '/v1/alerts', { type: 'printer_error', title: 'Again', message: 'm', printer_id: 2 });
  await eventually('the alert to find no target', async () =>
    (await herald.request('GET', `/v1/alerts/${later.body.id}`)).body.status === 'no_targets' ? true : undefined,
  );
  expect(receiver.requestsFor('/failing')).toHaveLength(sentBefore);
  expect(receiver.requestsFor('/notices')).toHaveLength(1);
});
