import {
  addressChannelBody,
  type AlertView,
  checkRequestHeaders,
  classifyChannelResponse,
  defaultRateLimit,
  formatAlertPayload,
  formatDigestPayload,
  inferWebhookType,
  parseChannelTarget,
  parseRetryAfter,
  resolveChannelTarget,
  type ChannelTarget,
  type DigestView,
} from '../src';

const TOKEN = '123456:AAbbCC-dd_EE';
const APP = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

const alert: AlertView = {
  id: 'a1',
  type: 'spool_low',
  severity: 'warning',
  title: 'Spool <low> & "empty"',
  message: 'PLA *Galaxy* at 5 %\nswap it',
  printerId: 7,
  printerName: 'Prusa MK4',
  orgId: null,
  occurredAtMs: 1_740_480_000_500,
};

function target(type: Parameters<typeof parseChannelTarget>[0], url: string): ChannelTarget {
  const result = parseChannelTarget(type, url);
  if (!result.ok) throw new Error(result.message);
  return result.target;
}

function digest(alerts: AlertView[]): DigestView {
  return {
    scope: 'system',
    orgId: null,
    windowStartMs: 1_740_470_000_000,
    windowEndMs: 1_740_500_000_000,
    timezone: 'Europe/Berlin',
    windowLabel: '22:00–07:00 Europe/Berlin',
    alerts,
  };
}

describe('channel targets from the pasted URL', () => {
  it('Telegram: POSTs to the pasted origin without the query; chat and thread go into the body', () => {
    const t = target('telegram', `https://api.telegram.org/bot${TOKEN}/sendMessage?chat_id=-1001234567890&message_thread_id=7`);
    expect(t.requestUrl).toBe(`https://api.telegram.org/bot${TOKEN}/sendMessage`);
    expect(t.address).toEqual({ chat_id: -1001234567890, message_thread_id: 7 });
    expect(t.groupChat).toBe(true);
    expect(target('telegram', `http://127.0.0.1:8081/bot${TOKEN}/sendMessage?chat_id=42`)).toMatchObject({
      requestUrl: `http://127.0.0.1:8081/bot${TOKEN}/sendMessage`,
      address: { chat_id: 42 },
      groupChat: false,
    });
    expect(target('telegram', `https://api.telegram.org/bot${TOKEN}/sendMessage?chat_id=@printfarm`).address).toEqual({
      chat_id: '@printfarm',
    });
  });

  it.each([
    ['telegram', `https://api.telegram.org/bot${TOKEN}/sendMessage`, /chat_id/],
    ['telegram', 'https://api.telegram.org/sendMessage?chat_id=1', /bot<token>/],
    ['ntfy', 'https://ntfy.sh/', /topic/],
    ['ntfy', 'https://ntfy.sh/alerts?auth=abc', /headers/],
    ['pushover', `https://api.pushover.net/1/messages.json?token=${APP}`, /user/],
    ['pushover', `https://api.pushover.net/1/messages.json?user=${USER}&token=short`, /token/],
    ['whatsapp', 'https://graph.facebook.com/v21.0/1234/messages?access_token=EAAGm0PX4ZCpsBAxyz', /to=/],
    ['whatsapp', 'https://graph.facebook.com/v21.0/1234/messages?to=4915112345678', /access_token/],
    ['teams', 'https://contoso.webhook.office.com/webhookb2/abc', /retired/],
  ] as const)('%s: refuses %s naming what is missing, never quoting a secret', (type, url, message) => {
    const result = parseChannelTarget(type, url);
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) {
      expect(result.message).toMatch(message);
      expect(result.message).not.toContain('EAAGm0PX4ZCpsBAxyz');
    }
  });

  it('ntfy: publishes to the server root, also under a self-hosted prefix', () => {
    expect(target('ntfy', 'https://ntfy.sh/farm-alerts')).toMatchObject({
      requestUrl: 'https://ntfy.sh/',
      address: { topic: 'farm-alerts' },
    });
    expect(target('ntfy', 'https://push.example.org/ntfy/farm')).toMatchObject({
      requestUrl: 'https://push.example.org/ntfy/',
      address: { topic: 'farm' },
    });
  });

  it('Pushover: the keys move from the query into the body', () => {
    expect(target('pushover', `https://api.pushover.net/1/messages.json?token=${APP}&user=${USER}`)).toMatchObject({
      requestUrl: 'https://api.pushover.net/1/messages.json',
      address: { token: APP, user: USER },
    });
  });

  it('WhatsApp: the token becomes a bearer header, the recipient goes into the body, a template is optional', () => {
    const t = target(
      'whatsapp',
      'https://graph.facebook.com/v21.0/106540352242922/messages?to=+4915112345678&access_token=EAAGm0PX4ZCpsBAxyz&template=print_alert&language=de_DE',
    );
    expect(t).toEqual({
      requestUrl: 'https://graph.facebook.com/v21.0/106540352242922/messages',
      address: { to: '4915112345678' },
      headers: { authorization: 'Bearer EAAGm0PX4ZCpsBAxyz' },
      whatsAppTemplate: { name: 'print_alert', language: 'de_DE' },
    });
  });

  it('an old URL that no longer fits its type is sent to as pasted', () => {
    expect(resolveChannelTarget('telegram', 'https://example.com/x')).toEqual({
      requestUrl: 'https://example.com/x',
      address: {},
      headers: {},
    });
  });
});

describe('inferWebhookType for the new services', () => {
  it.each([
    [`https://api.telegram.org/bot${TOKEN}/sendMessage?chat_id=1`, 'telegram'],
    [`https://tg.local.example/bot${TOKEN}/sendMessage?chat_id=1`, 'telegram'],
    ['https://ntfy.sh/farm', 'ntfy'],
    [`https://api.pushover.net/1/messages.json?token=${APP}&user=${USER}`, 'pushover'],
    ['https://graph.facebook.com/v21.0/1065/messages?to=1&access_token=x', 'whatsapp'],
    ['https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=x', 'teams'],
    [
      'https://default1234.56.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke',
      'teams',
    ],
    ['https://push.example.org/farm', 'generic'],
    ['https://graph.facebook.com/me', 'generic'],
  ])('%s is %s', (url, type) => {
    expect(inferWebhookType(url)).toBe(type);
  });
});

describe('new formats', () => {
  it('Telegram: HTML-escaped title in bold after the severity marker, then the message', () => {
    const t = target('telegram', `https://api.telegram.org/bot${TOKEN}/sendMessage?chat_id=42`);
    expect(addressChannelBody(t, formatAlertPayload('telegram', alert))).toEqual({
      chat_id: 42,
      text: '\u{1F7E0} <b>Spool &lt;low&gt; &amp; "empty"</b>\nPLA *Galaxy* at 5 %\nswap it',
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  });

  it('ntfy: JSON publish with topic, priority by severity and emoji tags', () => {
    expect(addressChannelBody(target('ntfy', 'https://ntfy.sh/farm'), formatAlertPayload('ntfy', alert))).toEqual({
      topic: 'farm',
      title: 'Spool <low> & "empty"',
      message: 'PLA *Galaxy* at 5 %\nswap it',
      priority: 4,
      tags: ['warning', 'spool_low'],
    });
    expect(formatAlertPayload('ntfy', { ...alert, severity: 'critical' }).priority).toBe(5);
    expect(formatAlertPayload('ntfy', { ...alert, severity: 'info' }).priority).toBe(3);
  });

  it('Pushover: keys, title, message, priority (never 2) and the event time', () => {
    const t = target('pushover', `https://api.pushover.net/1/messages.json?token=${APP}&user=${USER}`);
    expect(addressChannelBody(t, formatAlertPayload('pushover', alert))).toEqual({
      token: APP,
      user: USER,
      title: 'Spool <low> & "empty"',
      message: 'PLA *Galaxy* at 5 %\nswap it',
      priority: 0,
      timestamp: 1740480000,
    });
    expect(formatAlertPayload('pushover', { ...alert, severity: 'critical' }).priority).toBe(1);
    expect(formatAlertPayload('pushover', { ...alert, severity: 'info' }).priority).toBe(-1);
  });

  it('WhatsApp: a text message to the recipient, formatting characters inert', () => {
    const t = target('whatsapp', 'https://graph.facebook.com/v21.0/1065/messages?to=4915112345678&access_token=EAAGm0PX4ZCpsBAxyz');
    expect(addressChannelBody(t, formatAlertPayload('whatsapp', alert))).toEqual({
      messaging_product: 'whatsapp',
      to: '4915112345678',
      type: 'text',
      text: { preview_url: false, body: '\u{1F7E0} *Spool <low> & "empty"*\nPLA ＊Galaxy＊ at 5 %\nswap it' },
    });
  });

  it('WhatsApp with a template: title and message become the two body parameters, on one line each', () => {
    const t = target(
      'whatsapp',
      'https://graph.facebook.com/v21.0/1065/messages?to=4915112345678&access_token=EAAGm0PX4ZCpsBAxyz&template=herald_alert',
    );
    expect(addressChannelBody(t, formatAlertPayload('whatsapp', alert))).toEqual({
      messaging_product: 'whatsapp',
      to: '4915112345678',
      type: 'template',
      template: {
        name: 'herald_alert',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: '\u{1F7E0} Spool <low> & "empty"' },
              { type: 'text', text: 'PLA ＊Galaxy＊ at 5 % \u00B7 swap it' },
            ],
          },
        ],
      },
    });
  });

  it('Teams: an Adaptive Card 1.5 with the coloured title, the message and the facts', () => {
    const card = formatAlertPayload('teams', alert);
    expect(card.type).toBe('message');
    const [attachment] = card.attachments;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.content.version).toBe('1.5');
    expect(attachment.content.body).toEqual([
      { type: 'TextBlock', text: '\u{1F7E0} Spool <low> & "empty"', wrap: true, weight: 'Bolder', size: 'Medium', color: 'Warning' },
      { type: 'TextBlock', text: 'PLA \\*Galaxy\\* at 5 %\nswap it', wrap: true },
      {
        type: 'FactSet',
        facts: [
          { title: 'Printer', value: 'Prusa MK4' },
          { title: 'Type', value: 'Spool low' },
          { title: 'Severity', value: 'warning' },
          { title: 'Time', value: '2025-02-25 10:40:00 UTC' },
        ],
      },
    ]);
  });

  it('limits: Telegram 4096 characters, ntfy 4096 bytes, Pushover 250/1024, WhatsApp 4096, Teams under 28 KB', () => {
    const huge = { ...alert, title: '<&>'.repeat(400), message: '\u{1F525}<'.repeat(20_000) };
    expect(formatAlertPayload('telegram', huge).text.length).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(formatAlertPayload('ntfy', huge).message)).toBeLessThanOrEqual(4096);
    expect(formatAlertPayload('pushover', huge).title.length).toBeLessThanOrEqual(250);
    expect(formatAlertPayload('pushover', huge).message.length).toBeLessThanOrEqual(1024);
    expect(formatAlertPayload('whatsapp', huge).text.body.length).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(JSON.stringify(formatAlertPayload('teams', huge)))).toBeLessThan(28 * 1024);
    const many = Array.from({ length: 300 }, (_, i) => ({ ...huge, id: `a${i}`, occurredAtMs: huge.occurredAtMs + i }));
    expect(Buffer.byteLength(JSON.stringify(formatDigestPayload('teams', digest(many))))).toBeLessThan(28 * 1024);
    expect(formatDigestPayload('telegram', digest(many)).text.length).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(formatDigestPayload('ntfy', digest(many)).message)).toBeLessThanOrEqual(4096);
    expect(formatDigestPayload('pushover', digest(many)).message.length).toBeLessThanOrEqual(1024);
    expect(formatDigestPayload('whatsapp', digest(many)).text.body.length).toBeLessThanOrEqual(4096);
  });

  it('digests in each native format: headline, severity counts, the most important alerts first', () => {
    const critical = {
      ...alert,
      id: 'c',
      severity: 'critical' as const,
      title: 'Spaghetti <now>',
      occurredAtMs: alert.occurredAtMs - 1000,
    };
    const view = digest([alert, critical]);
    expect(formatDigestPayload('telegram', view).text).toBe(
      '<b>Quiet hours digest: 2 alerts (22:00–07:00 Europe/Berlin)</b>\n1 critical, 1 warning\n\n' +
        '\u{1F534} 11:39 Spaghetti &lt;now&gt; \u2014 Prusa MK4\n\u{1F7E0} 11:40 Spool &lt;low&gt; &amp; "empty" \u2014 Prusa MK4',
    );
    expect(formatDigestPayload('ntfy', view)).toMatchObject({
      title: 'Quiet hours digest: 2 alerts (22:00–07:00 Europe/Berlin)',
      priority: 5,
    });
    expect(formatDigestPayload('pushover', view)).toMatchObject({ priority: 1, timestamp: 1740500000 });
    expect(formatDigestPayload('whatsapp', view).text.body.startsWith('*Quiet hours digest: 2 alerts')).toBe(true);
    expect(formatDigestPayload('teams', view).attachments[0].content.body[0]).toMatchObject({ color: 'Attention' });
    expect(formatDigestPayload('telegram', digest([])).text).toBe(
      '<b>Quiet hours digest: all quiet (22:00–07:00 Europe/Berlin)</b>\nNo alerts were held during quiet hours.',
    );
  });
});

describe('responses by service', () => {
  it('Telegram: 429 waits for parameters.retry_after; 400 fails; 403 (bot blocked) is gone', () => {
    expect(classifyChannelResponse('telegram', 429, '{"ok":false,"error_code":429,"parameters":{"retry_after":17}}').verdict).toBe('retry');
    expect(parseRetryAfter({ headers: {}, bodyText: '{"ok":false,"parameters":{"retry_after":17}}', nowMs: 0 })).toBe(17_000);
    expect(classifyChannelResponse('telegram', 400, '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}')).toEqual({
      verdict: 'fail',
      detail: 'Bad Request: chat not found',
    });
    expect(classifyChannelResponse('telegram', 403, '{"ok":false,"description":"Forbidden: bot was blocked by the user"}')).toEqual({
      verdict: 'gone',
      detail: 'Forbidden: bot was blocked by the user',
    });
  });

  it('Pushover: 4xx with status 0 fails for good naming the errors; 429 (quota) waits', () => {
    expect(
      classifyChannelResponse('pushover', 400, '{"user":"invalid","errors":["user identifier is not a valid user"],"status":0}'),
    ).toEqual({
      verdict: 'fail',
      detail: 'user identifier is not a valid user',
    });
    expect(classifyChannelResponse('pushover', 429, '{"status":0}').verdict).toBe('retry');
  });

  it('WhatsApp: an expired window or token fails for good, named; throttling codes wait', () => {
    expect(classifyChannelResponse('whatsapp', 400, '{"error":{"code":131047,"message":"Re-engagement message"}}')).toEqual({
      verdict: 'fail',
      detail: 'WhatsApp error 131047: outside the 24-hour conversation window: configure an approved template',
    });
    expect(classifyChannelResponse('whatsapp', 401, '{"error":{"code":190,"message":"Error validating access token"}}')).toEqual({
      verdict: 'fail',
      detail: 'WhatsApp error 190: access token expired or invalid',
    });
    expect(classifyChannelResponse('whatsapp', 400, '{"error":{"code":131056}}').verdict).toBe('retry');
  });

  it('generic: 410 Gone disables, 404 stays an ordinary failure', () => {
    expect(classifyChannelResponse('generic', 410).verdict).toBe('gone');
    expect(classifyChannelResponse('generic', 404).verdict).toBe('fail');
    expect(classifyChannelResponse('discord', 404).verdict).toBe('gone');
    expect(classifyChannelResponse('teams', 202).verdict).toBe('delivered');
  });
});

describe('pacing defaults', () => {
  it('Telegram 1/s per chat, 20/min in groups; ntfy.sh its visitor limit; self-hosted ntfy unpaced', () => {
    expect(defaultRateLimit('telegram', 'x', { groupChat: false })).toEqual({ limit: 1, intervalMs: 1000 });
    expect(defaultRateLimit('telegram', 'x', { groupChat: true })).toEqual({ limit: 20, intervalMs: 60_000 });
    expect(defaultRateLimit('ntfy', 'https://ntfy.sh/')).toEqual({ limit: 1, intervalMs: 5000, burst: 60 });
    expect(defaultRateLimit('ntfy', 'https://push.example.org/')).toBeNull();
  });
});

describe('request headers', () => {
  it('lower-cases names and refuses the ones Herald sets, never quoting a value', () => {
    expect(checkRequestHeaders({ Authorization: 'Bearer tk_1', 'X-N8N-Key': 's' })).toEqual({
      ok: true,
      headers: { authorization: 'Bearer tk_1', 'x-n8n-key': 's' },
    });
    for (const name of ['Host', 'content-length', 'Webhook-Signature', 'webhook-id', 'webhook-timestamp']) {
      expect(checkRequestHeaders({ [name]: 'secret-value' })).toEqual({
        ok: false,
        name,
        message: 'set by Herald; it cannot be overridden',
      });
    }
    const broken = checkRequestHeaders({ 'x-a': 'line\r\nbreak-secret' });
    expect(broken).toMatchObject({ ok: false, name: 'x-a' });
    expect(JSON.stringify(broken)).not.toContain('break-secret');
  });
});
