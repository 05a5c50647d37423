import { firstAttemptsJobId } from '@herald/queue';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { alertOnceSettled, eventually } from '../support/admin-fixtures';

// One alert to hundreds of webhooks (one farm's worst day, scaled down): its first-attempts job carries
// only the alert id and reads the deliveries a page at a time. The memory figures are the bench's
// (`npm run bench -- --webhooks 2000`); this checks the behaviour.
jest.setTimeout(120_000);

const WEBHOOKS = 300;
const ALERTS = 3;
const PAGE = 40;

let herald: Harness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness({ workerOptions: { firstAttemptsPageSize: PAGE } });
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

test(`alerts to ${WEBHOOKS} webhooks on one receiver reach each webhook exactly once, read in pages of ${PAGE}`, async () => {
  for (let i = 0; i < WEBHOOKS; i++) {
    const created = await herald.request('POST', '/v1/webhooks', { name: `wide ${i}`, url: receiver.url(`/wide/${i}`), type: 'generic' });
    expect(created.status).toBe(201);
  }
  const alertIds: string[] = [];
  for (let n = 0; n < ALERTS; n++) {
    const posted = await herald.request('POST', '/v1/alerts', {
      type: 'print_failed',
      title: `wide ${n}`,
      message: 'fan-out',
      printer_id: 1,
    });
    expect(posted.status).toBe(202);
    alertIds.push(posted.body.id);
  }

  await receiver.waitFor((requests) => requests.length >= WEBHOOKS * ALERTS, 90_000);
  // Anything sent twice would arrive now.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(receiver.requests).toHaveLength(WEBHOOKS * ALERTS);
  for (let i = 0; i < WEBHOOKS; i++) {
    const titles = receiver.requestsFor(`/wide/${i}`).map((r) => (r.json as { title: string }).title);
    expect(titles.sort()).toEqual(['wide 0', 'wide 1', 'wide 2']);
  }
  expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(WEBHOOKS * ALERTS);

  for (const alertId of alertIds) {
    // The job in Redis names the alert, not its 300 deliveries, and attempted all of them (it
    // completes, and the alert settles, just after the last attempt is recorded).
    const job = await eventually(`the first-attempts job of ${alertId} to complete`, async () => {
      const found = await herald.context.queues.deliveries.getJob(firstAttemptsJobId(alertId));
      return found?.finishedOn ? found : undefined;
    });
    expect(job.data).toEqual({ alertId });
    expect(job.returnvalue).toBe(`${WEBHOOKS} attempted, 0 handed on`);
    expect((await alertOnceSettled(herald, alertId)).status).toBe('delivered');
  }
});
