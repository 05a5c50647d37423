import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type ReceivedRequest, type Responder, type WebhookReceiver } from '../support/webhook-receiver';
import {
  alertOnceSettled,
  createWebhook,
  deliveriesOnceSettled,
  deliveryWithStatus,
  eventually,
  postAlert as postAdminAlert,
} from '../support/admin-fixtures';
import { reportFault } from '../../packages/delivery/test/support/fault-kit';

// Retry rules against a real receiver, read back from the attempt records (GET /v1/alerts/:id).
jest.setTimeout(60_000);

type Answer = ReturnType<Responder>;

let herald: Harness;
let receiver: WebhookReceiver;
/** A second host, for the Discord global rate limit (which pauses a whole host). */
let otherHost: WebhookReceiver;
/** Final status each alert's delivery should reach, and what it reached: the figures for the README. */
const outcomes: { expected: string; actual: string; deliveryId: string }[] = [];
/** 2xx answers per delivery id (the webhook-id header), to count repeats. */
const successesById = new Map<string, number>();

/** Herald's notice to system webhooks when one is disabled; not part of any scenario's count. */
function isNotice(request: ReceivedRequest): boolean {
  return /webhook_disabled|Herald disabled/.test(request.body);
}

/**
 * A webhook that subscribes to one alert type only (so scenarios do not see each other's alerts)
 * and answers the n-th alert request with answers[n-1] (the last one repeats).
 */
async function endpoint(
  on: WebhookReceiver,
  path: string,
  options: { type: 'generic' | 'discord' | 'slack'; alertType: string; answers: Answer[]; extra?: Record<string, unknown> },
) {
  let count = 0;
  on.on(path, (request) => {
    if (isNotice(request)) return { status: 204 };
    count += 1;
    const answer = options.answers[Math.min(count, options.answers.length) - 1] ?? { status: 204 };
    if (typeof answer === 'object' && answer.status >= 200 && answer.status < 300) {
      const id = String(request.headers['webhook-id']);
      successesById.set(id, (successesById.get(id) ?? 0) + 1);
    }
    return answer;
  });
  return createWebhook(herald, '/v1/webhooks', {
    name: path,
    url: on.url(path),
    type: options.type,
    alert_types: [options.alertType],
    ...options.extra,
  });
}

function alertRequests(on: WebhookReceiver, path: string): ReceivedRequest[] {
  return on.requestsFor(path).filter((r) => !isNotice(r));
}

function gaps(requests: ReceivedRequest[]): number[] {
  return requests.slice(1).map((r, i) => r.receivedAtMs - (requests[i] as ReceivedRequest).receivedAtMs);
}

/** The one delivery of an alert once settled, noted with the final status the scenario expects. */
async function settled(alertId: string, expected: string) {
  const [delivery] = await deliveriesOnceSettled(herald, alertId);
  outcomes.push({ expected, actual: delivery.status, deliveryId: delivery.id });
  return delivery;
}

const postAlert = (herald: Harness, body: Record<string, unknown>) => postAdminAlert(herald, { printer_id: 7, ...body });
const FAST_RETRIES = { retry_schedule: [1, 1, 1] };
const pick = (attempts: { status_code: number | null; outcome: string; error_class: string | null }[]) =>
  attempts.map((a) => ({ status_code: a.status_code, outcome: a.outcome, error_class: a.error_class }));

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  otherHost = await startWebhookReceiver();
  herald = await startHarness({ env: { HERALD_RETRY_SCHEDULE: '1,1', HERALD_REQUEST_TIMEOUT_MS: '1000' } });
});

afterAll(async () => {
  const delivered = outcomes.filter((o) => o.actual === 'delivered').length;
  reportFault('receiver-behaviours', {
    sent: outcomes.length,
    delivered,
    failed_as_expected: outcomes.filter((o) => o.actual === o.expected && o.actual !== 'delivered').length,
    duplicates: [...successesById.values()].reduce((sum, n) => sum + n - 1, 0),
    lost: outcomes.filter((o) => o.actual !== o.expected).length,
  });
  await receiver?.close();
  await otherHost?.close();
  await herald?.close();
});

test('500, 500, 204: retried on the webhook’s own schedule (1 s ± 20 %) and delivered, every attempt recorded', async () => {
  await endpoint(receiver, '/flaky', {
    type: 'generic',
    alertType: 'print_complete',
    answers: [{ status: 500 }, { status: 500 }, { status: 204 }],
    extra: FAST_RETRIES,
  });
  const delivery = await settled(await postAlert(herald, { type: 'print_complete' }), 'delivered');
  expect(delivery.status).toBe('delivered');
  expect(pick(delivery.attempts)).toEqual([
    { status_code: 500, outcome: 'retry', error_class: 'http_500' },
    { status_code: 500, outcome: 'retry', error_class: 'http_500' },
    { status_code: 204, outcome: 'delivered', error_class: null },
  ]);
  for (const gap of gaps(alertRequests(receiver, '/flaky'))) {
    expect(gap).toBeGreaterThanOrEqual(800);
    expect(gap).toBeLessThan(2_500);
  }
});

test('429 with Retry-After: 3 waits at least 3 s, recorded as throttled (not a failed attempt), then delivered', async () => {
  await endpoint(receiver, '/throttled', {
    type: 'generic',
    alertType: 'job_submitted',
    answers: [{ status: 429, headers: { 'retry-after': '3' } }, { status: 204 }],
    extra: FAST_RETRIES,
  });
  // Discord's own hints: retry_after in the body, X-RateLimit-Reset-After in the headers.
  await endpoint(receiver, '/discord-429', {
    type: 'discord',
    alertType: 'job_approved',
    answers: [
      {
        status: 429,
        headers: { 'x-ratelimit-reset-after': '1.5', 'x-ratelimit-scope': 'user' },
        body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 1.5, global: false }),
      },
      { status: 204 },
    ],
    extra: FAST_RETRIES,
  });
  // 503 with an HTTP date: whole seconds, so at least 2 s of the 3 asked.
  await endpoint(receiver, '/unavailable', {
    type: 'generic',
    alertType: 'bed_cooled',
    answers: [{ status: 503, headers: { 'retry-after': new Date(Date.now() + 3_500).toUTCString() } }, { status: 204 }],
    extra: FAST_RETRIES,
  });
  const [throttled, discord, unavailable] = await Promise.all(
    ['job_submitted', 'job_approved', 'bed_cooled'].map(async (type) => settled(await postAlert(herald, { type }), 'delivered')),
  );
  for (const delivery of [throttled, discord, unavailable]) {
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['throttled', 'delivered']);
  }
  expect(throttled.attempts[0].status_code).toBe(429);
  expect(gaps(alertRequests(receiver, '/throttled'))[0]).toBeGreaterThanOrEqual(3_000);
  expect(gaps(alertRequests(receiver, '/discord-429'))[0]).toBeGreaterThanOrEqual(1_500);
  expect(gaps(alertRequests(receiver, '/unavailable'))[0]).toBeGreaterThanOrEqual(2_000);
});

test('a hanging endpoint times out and a reset connection is retried; both recorded with their error class', async () => {
  await endpoint(receiver, '/hang', {
    type: 'generic',
    alertType: 'queue_skipped',
    answers: ['hang', { status: 204 }],
    extra: FAST_RETRIES,
  });
  await endpoint(receiver, '/reset', {
    type: 'generic',
    alertType: 'maintenance_overdue',
    answers: ['reset', { status: 204 }],
    extra: FAST_RETRIES,
  });
  const [hang, reset] = await Promise.all(
    ['queue_skipped', 'maintenance_overdue'].map(async (type) => settled(await postAlert(herald, { type }), 'delivered')),
  );
  expect(pick(hang.attempts)).toEqual([
    { status_code: null, outcome: 'retry', error_class: 'timeout' },
    { status_code: 204, outcome: 'delivered', error_class: null },
  ]);
  // HERALD_REQUEST_TIMEOUT_MS=1000: the hung attempt took about that long, not longer.
  expect(hang.attempts[0].duration_ms).toBeGreaterThanOrEqual(900);
  expect(hang.attempts[0].duration_ms).toBeLessThan(3_000);
  expect(pick(reset.attempts)).toEqual([
    { status_code: null, outcome: 'retry', error_class: 'connection_reset' },
    { status_code: 204, outcome: 'delivered', error_class: null },
  ]);
});

test('redirects and non-retryable codes fail at once: one attempt, recorded', async () => {
  await endpoint(receiver, '/moved', {
    type: 'generic',
    alertType: 'first_layer_issue',
    answers: [{ status: 301, headers: { location: receiver.url('/moved-target') } }],
  });
  await endpoint(receiver, '/unprocessable', { type: 'generic', alertType: 'job_rejected', answers: [{ status: 422 }] });
  const [moved, unprocessable] = await Promise.all(
    ['first_layer_issue', 'job_rejected'].map(async (type) => settled(await postAlert(herald, { type }), 'failed')),
  );
  expect(moved.status).toBe('failed');
  expect(pick(moved.attempts)).toEqual([{ status_code: 301, outcome: 'failed', error_class: 'http_301' }]);
  expect(receiver.requestsFor('/moved-target')).toHaveLength(0);
  expect(unprocessable.status).toBe('failed');
  expect(pick(unprocessable.attempts)).toEqual([{ status_code: 422, outcome: 'failed', error_class: 'http_422' }]);
});

test('after the global schedule (1,1) a delivery is dead with every attempt kept; retried by an admin, it is delivered', async () => {
  const answers: Answer[] = [{ status: 500 }];
  await endpoint(receiver, '/down', { type: 'generic', alertType: 'print_failed', answers });
  const alertId = await postAlert(herald, { type: 'print_failed' });
  const [dead] = await deliveriesOnceSettled(herald, alertId);
  expect(dead.status).toBe('dead');
  expect(pick(dead.attempts)).toEqual([
    { status_code: 500, outcome: 'retry', error_class: 'http_500' },
    { status_code: 500, outcome: 'retry', error_class: 'http_500' },
    { status_code: 500, outcome: 'failed', error_class: 'http_500' },
  ]);
  expect(dead.last_error).toMatch(/retries exhausted/);

  answers[0] = { status: 204 };
  expect((await herald.request('POST', `/v1/deliveries/${dead.id}/retry`)).status).toBe(202);
  const delivered = await deliveryWithStatus(herald, dead.id, ['delivered']);
  outcomes.push({ expected: 'delivered', actual: delivered.status, deliveryId: dead.id });
  expect(delivered.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 500, 204]);
  expect(new Set(alertRequests(receiver, '/down').map((r) => r.headers['webhook-id']))).toEqual(new Set([dead.id]));
});

test('a Discord global 429 pauses every webhook on that host, across the board, for retry_after', async () => {
  await endpoint(otherHost, '/a', {
    type: 'discord',
    alertType: 'spaghetti_detected',
    answers: [
      {
        status: 429,
        headers: { 'x-ratelimit-global': 'true' },
        body: JSON.stringify({ message: 'rate limited', retry_after: 2, global: true }),
      },
      { status: 204 },
    ],
  });
  await endpoint(otherHost, '/b', { type: 'discord', alertType: 'detachment_detected', answers: [{ status: 204 }] });
  const first = postAlert(herald, { type: 'spaghetti_detected' });
  await otherHost.waitFor(() => alertRequests(otherHost, '/a').length === 1);
  const second = postAlert(herald, { type: 'detachment_detected' });
  const [a, b] = await Promise.all([first.then((id) => settled(id, 'delivered')), second.then((id) => settled(id, 'delivered'))]);
  expect(a.attempts.map((x: { outcome: string }) => x.outcome)).toEqual(['throttled', 'delivered']);
  // The other webhook was never refused: it waited for the pause, then went through once.
  expect(b.attempts.map((x: { outcome: string }) => x.outcome)).toEqual(['delivered']);
  const throttledAt = (alertRequests(otherHost, '/a')[0] as ReceivedRequest).receivedAtMs;
  expect((alertRequests(otherHost, '/b')[0] as ReceivedRequest).receivedAtMs - throttledAt).toBeGreaterThanOrEqual(1_900);
});

test('410 from Discord: the webhook is disabled as "gone", its waiting deliveries are cancelled, nothing more is sent', async () => {
  // One request per 10 s, so the second alert's delivery is still waiting for its slot when the first gets 410.
  const webhook = await endpoint(receiver, '/gone', {
    type: 'discord',
    alertType: 'spool_low',
    answers: [{ status: 410, body: '{"message": "Unknown Webhook", "code": 10015}' }],
    extra: { rate_limit: { limit: 1, interval_ms: 10_000 } },
  });
  const firstId = await postAlert(herald, { type: 'spool_low', title: 'first' });
  const secondId = await postAlert(herald, { type: 'spool_low', title: 'second' });
  const started = Date.now();
  const first = await settled(firstId, 'failed');
  expect(pick(first.attempts)).toEqual([{ status_code: 410, outcome: 'failed', error_class: 'http_410' }]);
  expect(first.last_error).toMatch(/webhook deleted/);

  // The worker disables the webhook just after it records the failed delivery.
  const shown = await eventually('the webhook to be disabled', async () => {
    const response = await herald.request('GET', `/v1/webhooks/${webhook.id}`);
    return response.body.disabled_at === null ? undefined : response.body;
  });
  expect(shown.disabled_reason).toBe('gone');
  const second = await settled(secondId, 'cancelled');
  expect(second.status).toBe('cancelled');
  expect(second.attempts).toEqual([]);
  expect(Date.now() - started).toBeLessThan(9_000);
  // Its only delivery was cancelled: the alert reached no one, and says so.
  const secondAlert = await alertOnceSettled(herald, secondId);
  expect({ status: secondAlert.status, status_reason: secondAlert.status_reason }).toEqual({
    status: 'no_targets',
    status_reason: 'every delivery cancelled',
  });

  const third = await postAlert(herald, { type: 'spool_low', title: 'third' });
  await eventually('the alert to find no target', async () =>
    (await herald.request('GET', `/v1/alerts/${third}`)).body.status === 'no_targets' ? true : undefined,
  );
  expect(alertRequests(receiver, '/gone')).toHaveLength(1);
});
