import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { createWebhook } from '../support/admin-fixtures';
import { reportFault } from '../../packages/delivery/test/support/fault-kit';

// Issue 16, defect 2: hanging endpoints must use only their own share. 20 webhooks that never
// answer, a healthy one on another port and a healthy one on the same host:port as the hanging ones.
jest.setTimeout(90_000);

const HANGING = 20;
const ALERTS = 30;
const EVERY_MS = 400;
let herald: Harness;
let shared: WebhookReceiver;
let other: WebhookReceiver;

beforeAll(async () => {
  shared = await startWebhookReceiver();
  other = await startWebhookReceiver();
  // Short timeouts and retries: the hanging endpoints come back for more slots during the run.
  herald = await startHarness({ env: { HERALD_REQUEST_TIMEOUT_MS: '4000', HERALD_RETRY_SCHEDULE: '1,1,1,1,1,1' } });
});
afterAll(async () => {
  await herald?.close();
  await shared?.close();
  await other?.close();
});

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? Number.NaN;
}

test('alerts reach healthy endpoints within 1 s at p99 while 20 endpoints (one on the same host:port) hang', async () => {
  for (let i = 0; i < HANGING; i += 1) {
    shared.on(`/hang-${i}`, () => 'hang');
    await createWebhook(herald, '/v1/webhooks', { name: `hang ${i}`, url: shared.url(`/hang-${i}`), type: 'generic' });
  }
  await createWebhook(herald, '/v1/webhooks', { name: 'same host', url: shared.url('/healthy'), type: 'generic' });
  await createWebhook(herald, '/v1/webhooks', { name: 'other port', url: other.url('/healthy'), type: 'generic' });

  const postedAt = new Map<string, number>();
  for (let i = 0; i < ALERTS; i += 1) {
    const title = `hang ${i}`;
    postedAt.set(title, Date.now());
    const response = await herald.request('POST', '/v1/alerts', { type: 'print_failed', title, message: 'm', printer_id: 1 });
    expect(response.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
  }
  const healthy = (receiver: WebhookReceiver) => receiver.requestsFor('/healthy');
  await shared.waitFor(() => healthy(shared).length >= ALERTS && healthy(other).length >= ALERTS, 30_000).catch(() => undefined);

  const latencies = (receiver: WebhookReceiver) =>
    healthy(receiver).map((r) => r.receivedAtMs - (postedAt.get((r.json as { title: string }).title) ?? Number.NaN));
  const sameHost = latencies(shared);
  const otherPort = latencies(other);
  // The hanging endpoints were really asked, more than once each (first attempts and retries).
  const hangingRequests = shared.requests.filter((r) => r.path.startsWith('/hang-')).length;
  reportFault('hanging-endpoints', {
    sent: ALERTS,
    delivered: Math.min(sameHost.length, otherPort.length),
    duplicates: sameHost.length + otherPort.length - 2 * ALERTS,
    lost: 0,
    hanging: HANGING,
    hanging_requests: hangingRequests,
    same_host_p99_ms: p99(sameHost),
    other_port_p99_ms: p99(otherPort),
    same_host_max_ms: Math.max(...sameHost),
    other_port_max_ms: Math.max(...otherPort),
  });
  expect(hangingRequests).toBeGreaterThan(HANGING * 2);
  expect(sameHost).toHaveLength(ALERTS);
  expect(otherPort).toHaveLength(ALERTS);
  expect(p99(sameHost)).toBeLessThan(1_000);
  expect(p99(otherPort)).toBeLessThan(1_000);
});
