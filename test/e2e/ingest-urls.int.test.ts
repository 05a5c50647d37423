import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { createOrg, createToken, createWebhook, eventually } from '../support/admin-fixtures';

/**
 * Ingest URLs: O.D.I.N., Apprise (Moonraker, OctoPrint) and header-less tools post to
 * /v1/ingest/<key>, and what they post reaches Discord, Slack and generic receivers.
 */
jest.setTimeout(60_000);

const COLOR = { info: 65280, warning: 16753920, critical: 16711680 };
const FAST = { rate_limit: { limit: 1000, interval_ms: 1000 } };

let herald: Harness;
let receiver: WebhookReceiver;
const logLines: string[] = [];
/** Every API answer after the keys were created, to be searched for them. */
const answers: string[] = [];
const keys: string[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness({
    env: { LOG_LEVEL: 'debug' },
    logDestination: { write: (line: string) => void logLines.push(line) },
  });
  await createWebhook(herald, '/v1/webhooks', { name: 'discord', url: receiver.url('/in/discord'), type: 'discord', ...FAST });
  await createWebhook(herald, '/v1/webhooks', { name: 'slack', url: receiver.url('/in/slack'), type: 'slack', ...FAST });
  await createWebhook(herald, '/v1/webhooks', { name: 'generic', url: receiver.url('/in/generic'), type: 'generic' });
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

async function api(method: string, path: string, body?: unknown) {
  const response = await herald.request(method, path, body);
  answers.push(`${method} ${path} -> ${response.status} ${JSON.stringify(response.body)}`);
  return response;
}

async function createSource(body: Record<string, unknown>): Promise<{ id: string; url: string; key: string; path: string }> {
  const response = await herald.request('POST', '/v1/ingest-sources', body);
  expect(response.status).toBe(201);
  const { id, url, key } = response.body as { id: string; url: string; key: string };
  keys.push(key);
  expect(url).toBe(`${herald.api.address}/v1/ingest/${key}`);
  return { id, url, key, path: `/v1/ingest/${key}` };
}

/** A source as listed once its usage shows `usage` (counted just after each ingest answer is sent). */
async function sourceOnceCounted(id: string, usage: Record<string, unknown>): Promise<any> {
  return eventually(`source ${id} to show ${JSON.stringify(usage)}`, async () => {
    const { body } = await api('GET', `/v1/ingest-sources/${id}`);
    return Object.entries(usage).every(([key, value]) => (value === 'set' ? body[key] !== null : body[key] === value)) ? body : undefined;
  });
}

/** A POST as O.D.I.N. or Apprise makes it: JSON, no Authorization header. */
async function postToUrl(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  answers.push(`POST ingest -> ${response.status} ${text}`);
  return { status: response.status, body: parsed };
}

const alertCount = () => herald.context.database.prisma.alert.count();

async function alertOf(id: string) {
  const response = await api('GET', `/v1/alerts/${id}`);
  expect(response.status).toBe(200);
  return response.body as { type: string; severity: string; title: string; message: string; printer_id: number; timestamp: number };
}

const received = (path: string, title: string) =>
  receiver.requestsFor(path).find((r) => JSON.stringify(r.json).includes(JSON.stringify(title).slice(1, -1)));

async function waitForAll(title: string, paths = ['/in/discord', '/in/slack', '/in/generic']) {
  await receiver.waitFor(() => paths.every((path) => received(path, title) !== undefined), 20_000);
}

describe('odin ingest URL', () => {
  test("O.D.I.N.'s three bodies, posted without a header, reach discord, slack and generic receivers in their exact formats", async () => {
    const odin = await createSource({ name: 'O.D.I.N.', kind: 'odin' });

    // The documented generic payload, plus fields O.D.I.N. may add: ignored, not refused.
    const generic = await postToUrl(odin.url, {
      type: 'print_complete',
      severity: 'info',
      title: 'Print Complete: Benchy (X1C)',
      message: 'Job #142 completed on X1C after 1h 23m.',
      printer_id: 3,
      printer_name: 'X1C',
      timestamp: 1740480000.25,
      job_id: 142,
      job_name: 'Benchy',
      org_id: 9,
    });
    expect(generic.status).toBe(202);
    expect(generic.body).toEqual({ id: expect.any(String), status: 'queued', type: 'print_complete' });

    // The `event` body of O.D.I.N.'s webhook dispatcher: the printer comes from the URL.
    const event = await postToUrl(`${odin.url}?printer_id=4`, {
      event: 'print_failed',
      title: 'Print Failed: Gearbox (MK4)',
      message: 'Nozzle clog detected',
      severity: 'critical',
    });
    expect(event.status).toBe(202);

    // The Slack-shaped body O.D.I.N. sends every non-Discord webhook: type and printer from the URL.
    const blocks = await postToUrl(`${odin.url}?alert_type=spool_low&printer_id=3`, {
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '🟡 Spool Low: PLA Black' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'Spool 7 is at 45 g' } },
      ],
    });
    expect(blocks.status).toBe(202);

    const expected = [
      {
        id: generic.body.id,
        type: 'print_complete',
        severity: 'info',
        title: 'Print Complete: Benchy (X1C)',
        message: 'Job #142 completed on X1C after 1h 23m.',
        printer: 3,
      },
      {
        id: event.body.id,
        type: 'print_failed',
        severity: 'critical',
        title: 'Print Failed: Gearbox (MK4)',
        message: 'Nozzle clog detected',
        printer: 4,
      },
      {
        id: blocks.body.id,
        type: 'spool_low',
        severity: 'warning',
        title: 'Spool Low: PLA Black',
        message: 'Spool 7 is at 45 g',
        printer: 3,
      },
    ] as const;
    for (const alert of expected) {
      await waitForAll(alert.title);
      const saved = await alertOf(alert.id);
      expect(saved).toMatchObject({ type: alert.type, severity: alert.severity, title: alert.title, printer_id: alert.printer });
      expect(received('/in/generic', alert.title)?.json).toEqual({
        type: alert.type,
        severity: alert.severity,
        title: alert.title,
        message: alert.message,
        printer_id: alert.printer,
        printer_name: alert.printer === 3 ? 'X1C' : null,
        timestamp: saved.timestamp,
      });
      expect(received('/in/discord', alert.title)?.json).toEqual({
        embeds: [
          {
            title: alert.title,
            description: alert.message,
            color: COLOR[alert.severity],
            footer: { text: 'O.D.I.N. Alert' },
            timestamp: new Date(saved.timestamp * 1000).toISOString(),
          },
        ],
        allowed_mentions: { parse: [] },
      });
      expect(received('/in/slack', alert.title)?.json).toEqual({
        text: alert.title,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${alert.title}*\n${alert.message}` } }],
      });
    }
    expect((await alertOf(generic.body.id)).timestamp).toBe(1740480000.25);

    const listed = await sourceOnceCounted(odin.id, { accepted_count: 3, last_used_at: 'set' });
    expect(listed).toMatchObject({ kind: 'odin', accepted_count: 3, rejected_count: 0, url: `/v1/ingest/••••${odin.key.slice(-4)}` });
  });

  test("O.D.I.N.'s Test button answers 2xx, creates no alert and is recorded on the source", async () => {
    const odin = await createSource({ name: 'O.D.I.N. test', kind: 'odin' });
    const before = await alertCount();
    const test = await postToUrl(odin.url, { event: 'test', source: 'odin', message: 'Webhook connection successful!' });
    expect(test.status).toBe(200);
    expect(test.body.status).toBe('test_received');
    expect(await alertCount()).toBe(before);
    const source = await sourceOnceCounted(odin.id, { last_test_at: 'set' });
    expect(source).toMatchObject({ accepted_count: 0, rejected_count: 0 });
  });

  test('an alert type from a newer O.D.I.N. is saved and delivered with its severity, not refused', async () => {
    const odin = await createSource({ name: 'O.D.I.N. newer', kind: 'odin' });
    const title = 'Filament runout on P1S';
    const posted = await postToUrl(odin.url, { type: 'filament_runout', severity: 'warning', title, message: 'Load PETG', printer_id: 8 });
    expect(posted.status).toBe(202);
    expect(posted.body).toMatchObject({ type: 'filament_runout', unknown_type: true });
    await waitForAll(title);
    expect(received('/in/generic', title)?.json).toMatchObject({ type: 'filament_runout', severity: 'warning', printer_id: 8 });
    expect(await alertOf(posted.body.id)).toMatchObject({ type: 'filament_runout', unknown_type: true, severity: 'warning' });

    const noSeverity = await postToUrl(odin.url, { event: 'chamber_open', title: 'Chamber opened', message: '', printer_id: 8 });
    expect(noSeverity.status).toBe(202);
    expect(await alertOf(noSeverity.body.id)).toMatchObject({ type: 'chamber_open', severity: 'info' });
  });

  test('a revoked key answers 401 and nothing is saved', async () => {
    const odin = await createSource({ name: 'O.D.I.N. old', kind: 'odin' });
    expect((await api('DELETE', `/v1/ingest-sources/${odin.id}`)).status).toBe(204);
    const before = await alertCount();
    const response = await postToUrl(odin.url, { type: 'print_failed', title: 'late', message: 'm', printer_id: 3 });
    expect(response.status).toBe(401);
    expect(response.body.message).toMatch(/ingest key/);
    expect(await alertCount()).toBe(before);
    expect((await api('GET', `/v1/ingest-sources/${odin.id}`)).body.revoked_at).not.toBeNull();
  });
});

describe('apprise ingest URL', () => {
  test('alert type and printer come from the URL; without an alert type the Apprise type sets the severity', async () => {
    const apprise = await createSource({ name: 'Moonraker', kind: 'apprise' });
    const body = (title: string, type: string) => ({ version: '1.0', title, message: `${title} body`, type, attachments: [] });

    const typed = await postToUrl(`${apprise.url}?alert_type=print_failed&printer_id=5`, body('Klipper print failed', 'warning'));
    expect(typed.status).toBe(202);
    await waitForAll('Klipper print failed', ['/in/generic']);
    expect(received('/in/generic', 'Klipper print failed')?.json).toMatchObject({
      type: 'print_failed',
      severity: 'critical',
      printer_id: 5,
      message: 'Klipper print failed body',
    });

    const severities: Record<string, string> = {};
    for (const type of ['failure', 'warning', 'info', 'success']) {
      const posted = await postToUrl(`${apprise.url}?printer_id=5`, body(`Moonraker ${type}`, type));
      expect(posted.status).toBe(202);
      severities[type] = (await alertOf(posted.body.id)).severity;
    }
    expect(severities).toEqual({ failure: 'critical', warning: 'warning', info: 'info', success: 'info' });
  });
});

describe('refusals', () => {
  test('a wrong key, a malformed body and an over-size body each get a 4xx naming the problem; nothing is saved', async () => {
    const odin = await createSource({ name: 'O.D.I.N. refusals', kind: 'odin' });
    const before = await alertCount();

    const wrongKey = await postToUrl(`${herald.api.address}/v1/ingest/hik_not-a-key-at-all-000000`, { type: 'print_failed' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.error).toBe('unauthorized');

    const notJson = await postToUrl(odin.url, '{"type": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors).toEqual([{ field: 'body', message: 'not valid JSON' }]);

    const notObject = await postToUrl(odin.url, [1, 2]);
    expect(notObject.status).toBe(400);
    expect(notObject.body.errors).toEqual([{ field: 'body', message: 'expected a JSON object, got an array' }]);

    const noPrinter = await postToUrl(odin.url, { type: 'print_failed', title: 'No printer', message: 'm' });
    expect(noPrinter.status).toBe(400);
    expect(noPrinter.body.errors[0].field).toBe('printer_id');

    const badQuery = await postToUrl(`${odin.url}?alert_type=print_fail&printer_id=3`, { title: 'typo', message: 'm' });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.errors[0].field).toBe('query.alert_type');

    const huge = await postToUrl(odin.url, { type: 'print_failed', title: 't', message: 'x'.repeat(70 * 1024), printer_id: 3 });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('body_too_large');

    expect(await alertCount()).toBe(before);
    const source = await sourceOnceCounted(odin.id, { rejected_count: 5 });
    expect(source).toMatchObject({ accepted_count: 0, rejected_count: 5 });
  });
});

describe('routing', () => {
  test('a webhook with severities ["critical"] gets critical alerts only', async () => {
    const created = await api('POST', '/v1/webhooks', {
      name: 'failures only',
      url: receiver.url('/in/critical-only'),
      type: 'generic',
      severities: ['critical'],
    });
    expect(created.status).toBe(201);
    expect(created.body.severities).toEqual(['critical']);
    const odin = await createSource({ name: 'O.D.I.N. severities', kind: 'odin' });
    const post = (type: string, title: string, severity?: string) =>
      postToUrl(odin.url, { type, title, message: 'm', printer_id: 3, ...(severity ? { severity } : {}) });
    expect((await post('print_complete', 'sev info')).status).toBe(202);
    expect((await post('spool_low', 'sev warning')).status).toBe(202);
    expect((await post('spaghetti_detected', 'sev critical')).status).toBe(202);
    expect((await post('print_complete', 'sev info raised', 'critical')).status).toBe(202);
    await waitForAll('sev warning', ['/in/generic']);
    await waitForAll('sev critical', ['/in/critical-only']);
    await waitForAll('sev info raised', ['/in/critical-only']);
    await waitForAll('sev info', ['/in/generic']);
    const severities = receiver.requestsFor('/in/critical-only').map((r) => (r.json as { severity: string }).severity);
    expect(new Set(severities)).toEqual(new Set(['critical']));
    expect(received('/in/critical-only', 'sev warning')).toBeUndefined();

    const widened = await api('PATCH', `/v1/webhooks/${created.body.id}`, { severities: ['warning', 'critical'] });
    expect(widened.body.severities).toEqual(['warning', 'critical']);
    const refused = await api('PATCH', `/v1/webhooks/${created.body.id}`, { severities: ['loud'] });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('severities.0');
  });

  test('an unknown printer is registered on its first alert and listed by GET /v1/printers', async () => {
    const odin = await createSource({ name: 'O.D.I.N. printers', kind: 'odin' });
    const posted = await postToUrl(odin.url, {
      type: 'print_complete',
      title: 'New printer',
      message: 'm',
      printer_id: 7001,
      printer_name: 'Prusa XL',
    });
    expect(posted.status).toBe(202);
    const viaApi = await api('POST', '/v1/alerts', { type: 'print_complete', title: 'Another', message: 'm', printer_id: 7002 });
    expect(viaApi.status).toBe(202);
    const printers = (await api('GET', '/v1/printers')).body.data as { id: number; name: string; org_id: number | null }[];
    expect(printers).toEqual(
      expect.arrayContaining([
        { id: 7001, name: 'Prusa XL', org_id: null },
        { id: 7002, name: 'Printer 7002', org_id: null },
      ]),
    );
    // A registered printer keeps its name and organization: a later alert's name does not rename it.
    await postToUrl(odin.url, { type: 'print_complete', title: 'Renamed?', message: 'm', printer_id: 7001, printer_name: 'Other' });
    const again = (await api('GET', '/v1/printers')).body.data as { id: number; name: string }[];
    expect(again.find((p) => p.id === 7001)?.name).toBe('Prusa XL');
  });

  test('the herald kind takes the native body without a header; an org admin lists and creates only its own sources', async () => {
    const herladSource = await createSource({ name: 'n8n', kind: 'herald', default_printer_id: 12 });
    const posted = await postToUrl(herladSource.url, { type: 'bed_cooled', title: 'Bed cooled (n8n)', message: 'ready' });
    expect(posted.status).toBe(202);
    expect(await alertOf(posted.body.id)).toMatchObject({ type: 'bed_cooled', printer_id: 12, severity: 'info' });
    const strict = await postToUrl(herladSource.url, { type: 'bed_cooled', title: 't', message: 'm', titel: 'typo' });
    expect(strict.status).toBe(400);
    expect(strict.body.errors[0].field).toBe('titel');

    const org = await createOrg(herald, 'Farm with its own URL');
    const farmSource = await createSource({ name: 'farm O.D.I.N.', kind: 'odin', org_id: org });
    const orgAdmin = await createToken(herald, { name: 'farm admin', role: 'org_admin', org_id: org });
    const listed = await herald.request('GET', '/v1/ingest-sources', undefined, orgAdmin.secret);
    expect(listed.body.data.map((source: { id: string }) => source.id)).toEqual([farmSource.id]);
    // Its own organization's source only, and the key is never listed.
    expect(JSON.stringify(listed.body)).not.toContain(farmSource.key.slice(0, -4));
    const mine = await herald.request('POST', '/v1/ingest-sources', { name: 'own', kind: 'apprise' }, orgAdmin.secret);
    expect(mine.status).toBe(201);
    expect(mine.body.org_id).toBe(org);
    keys.push(mine.body.key);
  });
});

test('the key never appears in logs (debug included), /metrics or any API answer after creation', async () => {
  await eventually('a debug ingest line', async () => (logLines.some((line) => line.includes('ingest request')) ? true : undefined));
  const metrics = await herald.request('GET', '/metrics');
  expect(metrics.status).toBe(200);
  answers.push(String(metrics.body));
  answers.push(JSON.stringify((await herald.request('GET', '/v1/ingest-sources')).body));
  answers.push(JSON.stringify((await herald.request('GET', `/v1/ingest/${keys[0]}`)).body));
  expect(keys.length).toBeGreaterThan(5);
  const corpus = { logs: logLines.join('\n'), answers: answers.join('\n') };
  for (const key of keys) {
    const secret = key.slice(0, -4);
    for (const [where, text] of Object.entries(corpus)) {
      if (text.includes(secret)) throw new Error(`${where} contains an ingest key`);
    }
  }
  expect(corpus.logs).toContain(`/v1/ingest/••••${keys[0]?.slice(-4)}`);
});
