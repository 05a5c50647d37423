import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { alertOnceSettled, deliveriesOnceSettled, LOOPBACK } from '../support/admin-fixtures';

const TYPES: Record<string, 'info' | 'warning' | 'critical'> = {
  print_complete: 'info',
  job_submitted: 'info',
  job_approved: 'info',
  bed_cooled: 'info',
  spool_low: 'warning',
  maintenance_overdue: 'warning',
  job_rejected: 'warning',
  first_layer_issue: 'warning',
  queue_skipped: 'warning',
  print_failed: 'critical',
  printer_error: 'critical',
  spaghetti_detected: 'critical',
  detachment_detected: 'critical',
  queue_failed_start: 'critical',
};
const COLOR = { info: 65280, warning: 16753920, critical: 16711680 };
const BASE_TS = 1_740_480_000;
// Slack escapes `_` in alert text, so the exact-payload check uses plain words.
const words = (type: string) => type.replace(/_/g, ' ');

jest.setTimeout(30_000);

let herald: Harness;
let receiver: WebhookReceiver;
// Discord (5 per 2 s) and Slack (1 per s) pacing would stretch this suite; the limiter has its own tests.
const FAST = { rate_limit: { limit: 1000, interval_ms: 1000 } };

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness();
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

async function createWebhook(body: Record<string, unknown>, base = '/v1/webhooks') {
  const response = await herald.request('POST', base, body);
  expect(response.status).toBe(201);
  return response.body as { id: string; url: string; signing_secret?: string };
}

describe('alert pipeline', () => {
  test('every type reaches discord, slack and generic webhooks with the exact payload', async () => {
    await createWebhook({ name: 'discord', url: receiver.url('/all/discord'), type: 'discord', ...FAST });
    await createWebhook({ name: 'slack', url: receiver.url('/all/slack'), type: 'slack', ...FAST });
    const generic = await createWebhook({ name: 'generic', url: receiver.url('/all/generic'), type: 'generic' });
    expect(generic.signing_secret).toMatch(/^whsec_/);
    expect(generic.url).not.toContain('/all/generic');

    const ids: Record<string, string> = {};
    let offset = 0;
    for (const type of Object.keys(TYPES)) {
      offset += 1;
      const response = await herald.request('POST', '/v1/alerts', {
        type,
        title: `Title ${words(type)}`,
        message: `Message for ${words(type)}`,
        printer_id: 3,
        printer_name: 'X1C',
        timestamp: BASE_TS + offset + 0.5,
      });
      expect(response.status).toBe(202);
      expect(response.body.status).toBe('queued');
      ids[type] = response.body.id;
    }
    await receiver.waitFor((r) => ['/all/discord', '/all/slack', '/all/generic'].every((p) => r.filter((x) => x.path === p).length === 14));

    offset = 0;
    for (const [type, severity] of Object.entries(TYPES)) {
      offset += 1;
      const ts = BASE_TS + offset + 0.5;
      const generic = receiver.requestsFor('/all/generic').find((r) => (r.json as { type: string }).type === type);
      expect(generic?.json).toEqual({
        type,
        severity,
        title: `Title ${words(type)}`,
        message: `Message for ${words(type)}`,
        printer_id: 3,
        printer_name: 'X1C',
        timestamp: ts,
      });
      expect(generic?.headers['content-type']).toBe('application/json');
      expect(generic?.headers['user-agent']).toMatch(/^Herald\/\d+\.\d+\.\d+$/);
      expect(generic?.headers['webhook-signature']).toMatch(/^v1,/);

      const discord = receiver.requestsFor('/all/discord').find((r) => JSON.stringify(r.json).includes(`Title ${words(type)}"`));
      expect(discord?.json).toEqual({
        embeds: [
          {
            title: `Title ${words(type)}`,
            description: `Message for ${words(type)}`,
            color: COLOR[severity],
            footer: { text: 'O.D.I.N. Alert' },
            timestamp: new Date(ts * 1000).toISOString(),
          },
        ],
        allowed_mentions: { parse: [] },
      });
      expect(discord?.headers['webhook-signature']).toBeUndefined();

      const slack = receiver.requestsFor('/all/slack').find((r) => JSON.stringify(r.json).includes(`Title ${words(type)}*`));
      expect(slack?.json).toEqual({
        text: `Title ${words(type)}`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*Title ${words(type)}*\nMessage for ${words(type)}` } }],
      });
    }

    // The receiver sees a request a moment before its attempt is written, and the alert settles after that.
    await deliveriesOnceSettled(herald, ids.print_failed as string);
    const detail = await alertOnceSettled(herald, ids.print_failed as string);
    expect(detail.status).toBe('delivered');
    expect(detail.deliveries).toHaveLength(3);
    for (const delivery of detail.deliveries) {
      expect(delivery.status).toBe('delivered');
      expect(delivery.attempts).toHaveLength(1);
      expect(delivery.attempts[0].status_code).toBe(204);
      expect(delivery.webhook.url).not.toContain('/all/');
    }
    const ids204 = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
    expect(ids204.size).toBe(receiver.requests.length);
  });

  test('filters, the enabled toggle, organization scoping and the enterprise rule decide who receives what', async () => {
    const orgA = (await herald.request('POST', '/v1/orgs', { name: 'Farm A', enterprise: true, allowed_private_targets: LOOPBACK })).body;
    const orgB = (await herald.request('POST', '/v1/orgs', { name: 'Farm B', enterprise: true, allowed_private_targets: LOOPBACK })).body;
    const orgC = (
      await herald.request('POST', '/v1/orgs', { name: 'Farm C (no licence)', enterprise: false, allowed_private_targets: LOOPBACK })
    ).body;
    expect((await herald.request('PUT', '/v1/printers/101', { name: 'A-1', org_id: orgA.id })).status).toBe(200);
    expect((await herald.request('PUT', '/v1/printers/201', { name: 'B-1', org_id: orgB.id })).status).toBe(200);
    expect((await herald.request('PUT', '/v1/printers/301', { name: 'C-1', org_id: orgC.id })).status).toBe(200);

    await createWebhook({ name: 'failures only', url: receiver.url('/scope/failures'), type: 'generic', alert_types: ['print_failed'] });
    const disabled = await createWebhook({ name: 'off', url: receiver.url('/scope/disabled'), type: 'generic', enabled: false });
    await createWebhook({ name: 'A', url: receiver.url('/scope/org-a'), type: 'generic' }, `/v1/orgs/${orgA.id}/webhooks`);
    await createWebhook({ name: 'B', url: receiver.url('/scope/org-b'), type: 'generic' }, `/v1/orgs/${orgB.id}/webhooks`);
    const refused = await herald.request('POST', `/v1/orgs/${orgC.id}/webhooks`, {
      name: 'C',
      url: receiver.url('/scope/org-c'),
      type: 'generic',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/Enterprise/);

    const post = (type: string, printer: number) =>
      herald.request('POST', '/v1/alerts', { type, title: `${type} on ${printer}`, message: 'm', printer_id: printer });
    expect((await post('print_complete', 101)).status).toBe(202);
    expect((await post('print_failed', 201)).status).toBe(202);
    expect((await post('print_failed', 301)).status).toBe(202);
    expect((await post('spool_low', 999)).status).toBe(202);

    await receiver.waitFor((r) => r.filter((x) => x.path.startsWith('/scope/')).length >= 4);
    // Let any wrong extra delivery arrive before asserting on absence.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const titles = (path: string) =>
      receiver
        .requestsFor(path)
        .map((r) => (r.json as { title: string }).title)
        .sort();
    expect(titles('/scope/failures')).toEqual(['print_failed on 201', 'print_failed on 301']);
    expect(titles('/scope/org-a')).toEqual(['print_complete on 101']);
    expect(titles('/scope/org-b')).toEqual(['print_failed on 201']);
    expect(titles('/scope/disabled')).toEqual([]);

    // Enabling the webhook takes effect for the next alert, in every worker.
    expect((await herald.request('PATCH', `/v1/webhooks/${disabled.id}`, { enabled: true })).status).toBe(200);
    await post('bed_cooled', 999);
    await receiver.waitFor((r) => r.some((x) => x.path === '/scope/disabled'));
    expect(titles('/scope/disabled')).toEqual(['bed_cooled on 999']);
  });

  test('an alert with no matching webhook is saved as no_targets', async () => {
    const org = (await herald.request('POST', '/v1/orgs', { name: 'Quiet farm', enterprise: true, allowed_private_targets: LOOPBACK }))
      .body;
    await herald.request('PUT', '/v1/printers/401', { name: 'Q-1', org_id: org.id });
    for (const webhook of (await herald.request('GET', '/v1/webhooks')).body.data) {
      await herald.request('PATCH', `/v1/webhooks/${webhook.id}`, { enabled: false });
    }
    const { body } = await herald.request('POST', '/v1/alerts', { type: 'job_approved', title: 't', message: 'm', printer_id: 401 });
    const deadline = Date.now() + 5_000;
    let status = '';
    while (Date.now() < deadline && status !== 'no_targets') {
      status = (await herald.request('GET', `/v1/alerts/${body.id}`)).body.status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe('no_targets');
  });
});

describe('ingest validation', () => {
  async function alertCount(): Promise<number> {
    return herald.context.database.prisma.alert.count();
  }

  test.each([
    [{ type: 'nope', title: 't', message: 'm', printer_id: 1 }, 400, 'type'],
    [{ type: 'print_complete', message: 'm', printer_id: 1 }, 400, 'title'],
    [{ type: 'print_complete', title: 't', message: 'm', printer_id: 'three' }, 400, 'printer_id'],
    [{ type: 'print_complete', title: 't', message: 'm', printer_id: 1, severity: 'loud' }, 400, 'severity'],
    [{ type: 'print_complete', title: 't', message: 'm', printer_id: 1, timestamp: 'yesterday' }, 400, 'timestamp'],
  ])('%j is rejected with %i naming %s, and nothing is saved', async (body, status, field) => {
    const before = await alertCount();
    const response = await herald.request('POST', '/v1/alerts', body);
    expect(response.status).toBe(status);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await alertCount()).toBe(before);
  });

  test('non-JSON, oversized and unauthenticated requests are refused with JSON bodies', async () => {
    const before = await alertCount();
    const notJson = await herald.request('POST', '/v1/alerts', '{"type": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors[0].field).toBe('body');
    const huge = await herald.request('POST', '/v1/alerts', {
      type: 'print_complete',
      title: 't',
      message: 'x'.repeat(70 * 1024),
      printer_id: 1,
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('body_too_large');
    const anonymous = await herald.request('POST', '/v1/alerts', { type: 'print_complete', title: 't', message: 'm', printer_id: 1 }, null);
    expect(anonymous.status).toBe(401);
    expect(await alertCount()).toBe(before);
  });

  test('a batch is all-or-nothing and names the index of each bad item', async () => {
    const before = await alertCount();
    const good = { type: 'print_complete', title: 't', message: 'm', printer_id: 1 };
    const bad = await herald.request('POST', '/v1/alerts/batch', { alerts: [good, { ...good, type: 'x' }, good, { ...good, title: '' }] });
    expect(bad.status).toBe(400);
    const fields = bad.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['alerts.1.type', 'alerts.3.title']));
    expect(await alertCount()).toBe(before);

    const ok = await herald.request('POST', '/v1/alerts/batch', { alerts: [good, good, good] });
    expect(ok.status).toBe(202);
    expect(ok.body.ids).toHaveLength(3);
    expect(new Set(ok.body.ids).size).toBe(3);
    expect(await alertCount()).toBe(before + 3);
  });

  test('a repeated dedupe_key returns the first id with 200 and creates nothing', async () => {
    const alert = { type: 'spool_low', title: 'Spool low', message: 'PLA 5%', printer_id: 7, dedupe_key: 'spool-7-2026-11-27' };
    const first = await herald.request('POST', '/v1/alerts', alert);
    expect(first.status).toBe(202);
    const before = await alertCount();
    const second = await herald.request('POST', '/v1/alerts', { ...alert, message: 'PLA 4%' });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(await alertCount()).toBe(before);
  });
});
