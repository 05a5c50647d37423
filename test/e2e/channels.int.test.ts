import { runDigestTick } from '@herald/digest';
import { createLogger } from '@herald/config';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/webhook-receiver';
import { deliveriesOnceSettled, eventually, postAlert, LOOPBACK } from '../support/admin-fixtures';

// Every new channel against a local receiver standing in for the service: the webhook is pasted
// with the service's URL shape on 127.0.0.1, and the request must go there, exactly as the service
// expects it.
jest.setTimeout(60_000);

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
const MARKER = { info: '\u{1F7E2}', warning: '\u{1F7E0}', critical: '\u{1F534}' };
const BASE_TS = 1_740_480_000;
const BENCHY = 'Benchy_0.2mm_PLA_MK4_1h2m.gcode (X1C_01)';
const TG_TOKEN = '123456:AAbbCC-dd_EE';
const PO_APP = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const PO_USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
const WA_TOKEN = 'EAAGm0PX4ZCpsBAxyzSecretToken';
const FAST = { rate_limit: { limit: 1000, interval_ms: 1000 } };

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

async function createWebhook(body: Record<string, unknown>) {
  const response = await herald.request('POST', '/v1/webhooks', { ...FAST, ...body });
  if (response.status !== 201) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string; url: string; type: string; headers: Record<string, string> };
}

interface Expected {
  type: string;
  pasted: (prefix: string) => string;
  /** The path the request must arrive at. */
  path: (prefix: string) => string;
  headers?: Record<string, string>;
  body: (alert: { type: string; severity: 'info' | 'warning' | 'critical'; title: string; message: string; ts: number }) => unknown;
}

const label = (type: string) => type.charAt(0).toUpperCase() + type.slice(1).replace(/_/g, ' ');

const CHANNELS: Expected[] = [
  {
    type: 'telegram',
    pasted: (p) => `${p}/bot${TG_TOKEN}/sendMessage?chat_id=-100123&message_thread_id=9`,
    path: (p) => `${p}/bot${TG_TOKEN}/sendMessage`,
    body: (a) => ({
      chat_id: -100123,
      message_thread_id: 9,
      text: `${MARKER[a.severity]} <b>${a.title}</b>\n${a.message}`,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    }),
  },
  {
    type: 'ntfy',
    pasted: (p) => `${p}/farm-alerts`,
    path: (p) => `${p}/`,
    headers: { authorization: 'Bearer tk_ntfytoken' },
    body: (a) => ({
      topic: 'farm-alerts',
      title: a.title,
      message: a.message,
      priority: { info: 3, warning: 4, critical: 5 }[a.severity],
      tags: [{ info: 'information_source', warning: 'warning', critical: 'rotating_light' }[a.severity], a.type],
    }),
  },
  {
    type: 'teams',
    pasted: (p) => `${p}/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=s3cret`,
    path: (p) => `${p}/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=s3cret`,
    body: (a) => ({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.5',
            msteams: { width: 'Full' },
            body: [
              {
                type: 'TextBlock',
                text: `${MARKER[a.severity]} ${a.title}`,
                wrap: true,
                weight: 'Bolder',
                size: 'Medium',
                color: { info: 'Good', warning: 'Warning', critical: 'Attention' }[a.severity],
              },
              { type: 'TextBlock', text: a.message, wrap: true },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Printer', value: 'X1C' },
                  { title: 'Type', value: label(a.type) },
                  { title: 'Severity', value: a.severity },
                  { title: 'Time', value: `${new Date(a.ts * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC` },
                ],
              },
            ],
          },
        },
      ],
    }),
  },
  {
    type: 'pushover',
    pasted: (p) => `${p}/1/messages.json?token=${PO_APP}&user=${PO_USER}`,
    path: (p) => `${p}/1/messages.json`,
    body: (a) => ({
      token: PO_APP,
      user: PO_USER,
      title: a.title,
      message: a.message,
      priority: { info: -1, warning: 0, critical: 1 }[a.severity],
      timestamp: Math.floor(a.ts),
    }),
  },
  {
    type: 'whatsapp',
    pasted: (p) => `${p}/v21.0/106540352242922/messages?to=4915112345678&access_token=${WA_TOKEN}`,
    path: (p) => `${p}/v21.0/106540352242922/messages`,
    headers: { authorization: `Bearer ${WA_TOKEN}` },
    body: (a) => ({
      messaging_product: 'whatsapp',
      to: '4915112345678',
      type: 'text',
      text: { preview_url: false, body: `${MARKER[a.severity]} *${a.title}*\n${a.message}` },
    }),
  },
];

function expectHerald(request: ReceivedRequest, extra: Record<string, string> = {}) {
  expect(request.method).toBe('POST');
  expect(request.headers['content-type']).toBe('application/json');
  expect(request.headers['user-agent']).toMatch(/^Herald\//);
  expect(request.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(request.headers['webhook-signature']).toBeUndefined();
  expect(request.headers).toMatchObject(extra);
}

describe('new channels: every alert type arrives exactly as the service expects it', () => {
  test('telegram, ntfy, teams, pushover and whatsapp', async () => {
    for (const channel of CHANNELS) {
      const created = await createWebhook({
        name: channel.type,
        url: receiver.url(channel.pasted(`/all-${channel.type}`)),
        type: channel.type,
        ...(channel.type === 'ntfy' ? { headers: { Authorization: 'Bearer tk_ntfytoken' } } : {}),
      });
      expect(created.type).toBe(channel.type);
      // Nothing secret in the response: the query (keys, tokens) never, header values masked.
      expect(JSON.stringify(created)).not.toMatch(/tk_ntfytoken|EAAGm0|azGDOR|uQiRzp|s3cret|AAbbCC/);
      if (channel.type === 'ntfy') expect(created.headers).toEqual({ authorization: '••••' });
    }
    let offset = 0;
    for (const type of Object.keys(TYPES)) {
      offset += 1;
      await postAlert(herald, {
        type,
        title: `Title ${type}`,
        message: `Message for ${type}: ${BENCHY}`,
        printer_id: 3,
        printer_name: 'X1C',
        timestamp: BASE_TS + offset,
      });
    }
    await receiver.waitFor((r) => CHANNELS.every((c) => r.filter((x) => x.path === c.path(`/all-${c.type}`)).length === 14), 30_000);

    for (const channel of CHANNELS) {
      const arrived = receiver.requestsFor(channel.path(`/all-${channel.type}`));
      offset = 0;
      for (const [type, severity] of Object.entries(TYPES)) {
        offset += 1;
        const alert = { type, severity, title: `Title ${type}`, message: `Message for ${type}: ${BENCHY}`, ts: BASE_TS + offset };
        const expected = channel.body(alert);
        const request = arrived.find((r) => JSON.stringify(r.json).includes(`Title ${type}`));
        expect(request?.json).toEqual(expected);
        expect(request?.body).toContain(BENCHY);
        expectHerald(request as ReceivedRequest, channel.headers);
      }
    }
  });

  test('a URL that does not fit its type is refused at save time naming the field, never quoting a secret', async () => {
    const response = await herald.request('POST', '/v1/webhooks', {
      name: 'bad',
      url: receiver.url(`/bot${TG_TOKEN}/sendMessage`),
      type: 'telegram',
    });
    expect(response.status).toBe(422);
    expect(response.body.errors[0].field).toBe('url');
    expect(response.body.errors[0].message).toMatch(/chat_id/);
    expect(JSON.stringify(response.body)).not.toContain('AAbbCC');
    const reserved = await herald.request('POST', '/v1/webhooks', {
      name: 'bad',
      url: receiver.url('/hook'),
      headers: { 'Webhook-Signature': 'v1,forged-secret' },
    });
    expect(reserved.status).toBe(422);
    expect(reserved.body.errors[0].field).toBe('headers.Webhook-Signature');
    expect(JSON.stringify(reserved.body)).not.toContain('forged-secret');
  });

  test("the type is inferred from a pasted Telegram URL, also for the organization's Webhook URL setting", async () => {
    const pasted = receiver.url(`/inferred/bot${TG_TOKEN}/sendMessage?chat_id=42`);
    expect((await createWebhook({ name: 'inferred', url: pasted })).type).toBe('telegram');
    const org = await herald.request('POST', '/v1/orgs', { name: 'Inferred farm', enterprise: true, allowed_private_targets: LOOPBACK });
    const setting = await herald.request('PUT', `/v1/orgs/${org.body.id}/settings`, { webhook_url: pasted });
    expect(setting.status).toBe(200);
    expect(setting.body.webhook.type).toBe('telegram');
  });

  test('the test message goes to the service in its format', async () => {
    const created = await createWebhook({ name: 'test-po', url: receiver.url(`/test-po/1/messages.json?token=${PO_APP}&user=${PO_USER}`) });
    expect(created.type).toBe('pushover');
    const sent = await herald.request('POST', `/v1/webhooks/${created.id}/test`);
    expect(sent.body).toMatchObject({ ok: true });
    expect(receiver.requestsFor('/test-po/1/messages.json').at(-1)?.json).toMatchObject({
      token: PO_APP,
      user: PO_USER,
      title: 'Herald test alert',
      priority: -1,
    });
  });
});

describe('throttling and permanent errors', () => {
  // These run side by side: each webhook takes only its own alert type, so no other test's alert reaches it.
  const ownTypes = Object.keys(TYPES).filter((type) => type !== 'spaghetti_detected');
  const ownType = new Map<string, string>();
  const alertTypeFor = (path: string) => {
    if (!ownType.has(path)) ownType.set(path, ownTypes[ownType.size] as string);
    return ownType.get(path) as string;
  };

  // Earlier webhooks without a type filter receive these alerts too: look at this webhook's delivery.
  async function deliveryOf(alertId: string, webhookId: string) {
    const delivery = (await deliveriesOnceSettled(herald, alertId)).find((d) => d.webhook_id === webhookId);
    const { body } = await herald.request('GET', `/v1/deliveries/${delivery.id}`);
    return body;
  }

  test.each([
    [
      'telegram',
      `/429-tg/bot${TG_TOKEN}/sendMessage?chat_id=5`,
      `/429-tg/bot${TG_TOKEN}/sendMessage`,
      { body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}' },
    ],
    [
      'ntfy',
      '/429-ntfy/topic',
      '/429-ntfy/',
      { headers: { 'retry-after': '1' }, body: '{"code":42901,"http":429,"error":"limit reached"}' },
    ],
    [
      'teams',
      '/429-teams/workflows/x/triggers/manual/paths/invoke',
      '/429-teams/workflows/x/triggers/manual/paths/invoke',
      { headers: { 'retry-after': '1' } },
    ],
    [
      'whatsapp',
      `/429-wa/v21.0/1/messages?to=4915112345678&access_token=${WA_TOKEN}`,
      '/429-wa/v21.0/1/messages',
      { headers: { 'retry-after': '1' } },
    ],
  ] as const)('%s: a 429 is waited out as asked, without using up an attempt', async (type, pasted, path, answer) => {
    receiver.on(path, (_request, count) =>
      count <= 2 ? { status: 429, ...answer } : { status: type === 'teams' ? 202 : 200, body: '{}' },
    );
    // One retry in the schedule: two 429s that used attempts would end the delivery dead.
    const alertType = alertTypeFor(path);
    const webhook = await createWebhook({
      name: `429-${type}`,
      url: receiver.url(pasted),
      type,
      retry_schedule: [1],
      alert_types: [alertType],
    });
    const alertId = await postAlert(herald, { type: alertType, title: `throttled ${type}`, printer_id: 3 });
    const delivery = await deliveryOf(alertId, webhook.id);
    expect(delivery.status).toBe('delivered');
    const times = receiver.requestsFor(path).map((r) => r.receivedAtMs);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
    expect(delivery.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([429, 429, type === 'teams' ? 202 : 200]);
  });

  test.concurrent.each([
    [
      'telegram 403 (bot blocked): failed and the webhook disabled as gone',
      'telegram',
      `/perm-tg403/bot${TG_TOKEN}/sendMessage?chat_id=5`,
      `/perm-tg403/bot${TG_TOKEN}/sendMessage`,
      403,
      '{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}',
      /bot was blocked/,
      'gone',
    ],
    [
      'telegram 400 (chat not found): failed, webhook kept',
      'telegram',
      `/perm-tg400/bot${TG_TOKEN}/sendMessage?chat_id=6`,
      `/perm-tg400/bot${TG_TOKEN}/sendMessage`,
      400,
      '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}',
      /chat not found/,
      null,
    ],
    [
      'pushover 400 status 0: failed naming the error',
      'pushover',
      `/perm-po/1/messages.json?token=${PO_APP}&user=${PO_USER}`,
      '/perm-po/1/messages.json',
      400,
      '{"user":"invalid","errors":["user identifier is not a valid user, group, or subscribed user key"],"status":0}',
      /user identifier is not a valid/,
      null,
    ],
    [
      'whatsapp outside the 24-hour window: failed naming it',
      'whatsapp',
      `/perm-wa/v21.0/2/messages?to=4915112345678&access_token=${WA_TOKEN}`,
      '/perm-wa/v21.0/2/messages',
      400,
      '{"error":{"message":"Re-engagement message","type":"OAuthException","code":131047}}',
      /24-hour conversation window/,
      null,
    ],
    [
      'whatsapp expired token: failed naming it',
      'whatsapp',
      `/perm-wa190/v21.0/3/messages?to=4915112345678&access_token=${WA_TOKEN}`,
      '/perm-wa190/v21.0/3/messages',
      401,
      '{"error":{"message":"Error validating access token","code":190}}',
      /access token expired/,
      null,
    ],
    ['generic 410 Gone: disabled as gone', 'generic', '/perm-generic-410', '/perm-generic-410', 410, '', /HTTP 410/, 'gone'],
    ['generic 404: an ordinary failure, the webhook kept', 'generic', '/perm-generic-404', '/perm-generic-404', 404, '', /HTTP 404/, null],
  ] as const)('%s', async (_name, type, pasted, path, status, body, reason, disabledReason) => {
    receiver.on(path, () => ({ status, body }));
    const alertType = alertTypeFor(path);
    const webhook = await createWebhook({
      name: `perm-${path}`,
      url: receiver.url(pasted),
      type,
      retry_schedule: [1, 1],
      alert_types: [alertType],
    });
    const alertId = await postAlert(herald, { type: alertType, title: `permanent ${path}`, printer_id: 3 });
    const delivery = await deliveryOf(alertId, webhook.id);
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.last_error).toMatch(reason);
    expect(delivery.last_error).not.toContain(WA_TOKEN);
    const after = await eventually('webhook state', async () => {
      const { body: current } = await herald.request('GET', `/v1/webhooks/${webhook.id}`);
      return disabledReason === null || current.disabled_reason !== null ? current : undefined;
    });
    expect(after.disabled_reason).toBe(disabledReason);
  });
});

describe('quiet-hours digests in each native format', () => {
  test('every new channel gets one digest of the held alerts', async () => {
    const paths: Record<string, string> = {};
    for (const channel of CHANNELS) {
      const prefix = `/digest-${channel.type}`;
      paths[channel.type] = channel.path(prefix);
      await createWebhook({
        name: `digest-${channel.type}`,
        url: receiver.url(channel.pasted(prefix)),
        type: channel.type,
        alert_types: ['spaghetti_detected'],
      });
    }
    const put = await herald.request('PUT', '/v1/settings/quiet-hours', {
      enabled: true,
      start: '01:00',
      end: '02:00',
      timezone: 'UTC',
      digest: true,
    });
    expect(put.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const yesterday = new Date(Date.now() - 86_400_000);
    const inWindow = Date.UTC(yesterday.getUTCFullYear(), yesterday.getUTCMonth(), yesterday.getUTCDate(), 1, 30) / 1000;
    for (const [index, printer] of ['X1C_01', 'MK4 <b>&'].entries()) {
      await postAlert(herald, {
        type: 'spaghetti_detected',
        title: `Spaghetti on ${BENCHY}`,
        printer_id: 3 + index,
        printer_name: printer,
        timestamp: inWindow + index,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const tick = await runDigestTick({
      prisma: herald.context.database.prisma,
      sql: herald.context.database.sql,
      queues: herald.context.queues,
      logger: createLogger({ log: { level: 'silent', pretty: false } }, 'channels-digest-test'),
      now: () => Date.now(),
      catchUpMs: 48 * 3_600_000,
      claimStaleAfterMs: 120_000,
      processId: 'channels-test',
    });
    expect(tick.dispatched.length).toBeGreaterThanOrEqual(1);
    await receiver.waitFor(
      (r) => Object.values(paths).every((p) => r.some((x) => x.path === p && x.body.includes('Quiet hours digest'))),
      20_000,
    );
    const digestAt = (type: string) =>
      receiver.requestsFor(paths[type] as string).find((r) => r.body.includes('Quiet hours digest'))?.json as any;
    const headline = 'Quiet hours digest: 2 alerts (01:00–02:00 UTC)';
    expect(digestAt('telegram')).toMatchObject({
      chat_id: -100123,
      parse_mode: 'HTML',
      text: expect.stringContaining(`<b>${headline}</b>\n2 critical`),
    });
    expect(digestAt('telegram').text).toContain('MK4 &lt;b&gt;&amp;');
    expect(digestAt('ntfy')).toMatchObject({ topic: 'farm-alerts', title: headline, priority: 5 });
    expect(digestAt('pushover')).toMatchObject({ token: PO_APP, user: PO_USER, title: headline, priority: 1 });
    expect(digestAt('whatsapp')).toMatchObject({ messaging_product: 'whatsapp', to: '4915112345678', type: 'text' });
    expect(digestAt('whatsapp').text.body.startsWith(`*${headline}*\n`)).toBe(true);
    expect(digestAt('teams').attachments[0].content.body[0]).toMatchObject({ text: headline, color: 'Attention' });
    for (const type of Object.keys(paths)) expect(JSON.stringify(digestAt(type))).toContain(BENCHY);
    await herald.request('PUT', '/v1/settings/quiet-hours', { enabled: false, start: '01:00', end: '02:00', timezone: 'UTC' });
  });
});
