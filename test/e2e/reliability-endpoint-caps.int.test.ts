import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { createWebhook } from '../support/admin-fixtures';

// Issue 15: the in-flight cap was keyed by the exact URL string, so webhooks to one slow endpoint
// differing only in a query parameter each had a cap of their own. Now: one cap per endpoint
// (scheme, host, port, path) and one per host:port, which never holds back an endpoint's first request.
jest.setTimeout(90_000);

const ENDPOINT_CAP = 10;
const HOST_CAP = 12;
const ANSWER_AFTER_MS = 1_500;
let herald: Harness;

beforeAll(async () => {
  herald = await startHarness({
    env: {
      HERALD_ENDPOINT_CONCURRENCY: String(ENDPOINT_CAP),
      HERALD_HOST_CONCURRENCY: String(HOST_CAP),
      HERALD_REQUEST_TIMEOUT_MS: '10000',
    },
  });
});
afterAll(async () => {
  await herald?.close();
});

/** The most requests the receiver held open at once under `prefix` (each is answered ANSWER_AFTER_MS after it arrived). */
function mostInFlight(receiver: WebhookReceiver, prefix: string): number {
  const events = receiver.requests
    .filter((r) => r.path.startsWith(prefix))
    .flatMap((r) => [
      { at: r.receivedAtMs, delta: 1 },
      { at: r.receivedAtMs + ANSWER_AFTER_MS, delta: -1 },
    ])
    // An answer at the same millisecond as an arrival closes first.
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const { delta } of events) {
    open += delta;
    most = Math.max(most, open);
  }
  return most;
}

async function postAlerts(count: number, tag: string): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const response = await herald.request('POST', '/v1/alerts', {
      type: 'print_failed',
      title: `${tag} ${i}`,
      message: 'm',
      printer_id: 1,
    });
    expect(response.status).toBe(202);
  }
}

test('20 webhooks to one slow endpoint differing only in a query parameter have at most 10 requests in flight there', async () => {
  const receiver = await startWebhookReceiver();
  try {
    const paths = Array.from({ length: 20 }, (_, i) => `/slow?variant=${i}`);
    for (const path of paths) receiver.on(path, () => ({ status: 204, delayMs: ANSWER_AFTER_MS }));
    for (const [i, path] of paths.entries()) {
      await createWebhook(herald, '/v1/webhooks', { name: `variant ${i}`, url: receiver.url(path), type: 'generic' });
    }
    await postAlerts(2, 'query');
    await receiver.waitFor((requests) => requests.length >= 40, 40_000);
    const most = mostInFlight(receiver, '/slow');
    console.log(`query variants: at most ${most} in flight (cap ${ENDPOINT_CAP})`);
    expect(most).toBeLessThanOrEqual(ENDPOINT_CAP);
    // The cap was reached, not merely never tested.
    expect(most).toBe(ENDPOINT_CAP);
  } finally {
    await receiver.close();
    for (const hook of (await herald.request('GET', '/v1/webhooks')).body.data as { id: string }[]) {
      await herald.request('DELETE', `/v1/webhooks/${hook.id}`);
    }
  }
});

test('webhooks on 8 paths of one host:port: at most the host cap plus one per endpoint in flight, and each endpoint is served', async () => {
  const receiver = await startWebhookReceiver();
  try {
    const paths = Array.from({ length: 8 }, (_, i) => `/path-${i}`);
    for (const path of paths) receiver.on(path, () => ({ status: 204, delayMs: ANSWER_AFTER_MS }));
    for (const [i, path] of paths.entries()) {
      await createWebhook(herald, '/v1/webhooks', { name: `path ${i}`, url: receiver.url(path), type: 'generic' });
    }
    // 5 alerts: 40 requests wanted at once, 5 per endpoint (each under its endpoint cap of 10).
    await postAlerts(5, 'paths');
    await receiver.waitFor((requests) => requests.length >= 40, 40_000);
    const most = mostInFlight(receiver, '/path-');
    console.log(`8 paths, one host: at most ${most} in flight (host cap ${HOST_CAP})`);
    expect(most).toBeLessThanOrEqual(HOST_CAP + paths.length);
    expect(most).toBeGreaterThanOrEqual(HOST_CAP);
    for (const path of paths) expect(receiver.requestsFor(path)).toHaveLength(5);
  } finally {
    await receiver.close();
  }
});
