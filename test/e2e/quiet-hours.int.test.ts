import { runDigestTick } from '@herald/digest';
import { createLogger } from '@herald/config';
import { startHarness, type Harness } from '../support/herald-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(60_000);

// Europe/Berlin leaves summer time on 2026-10-25 at 03:00 CEST (01:00 UTC).
const utc = (iso: string) => Date.parse(iso);
const seconds = (iso: string) => utc(iso) / 1000;

let herald: Harness;
let receiver: WebhookReceiver;
let clockMs = utc('2026-10-24T12:00:00Z');
const logger = createLogger({ log: { level: 'silent', pretty: false } }, 'digest-test');

function tick(processId: string, staleAfterMs = 120_000) {
  return runDigestTick({
    prisma: herald.context.database.prisma,
    queues: herald.context.queues,
    logger,
    now: () => clockMs,
    catchUpMs: 24 * 3_600_000,
    claimStaleAfterMs: staleAfterMs,
    processId,
  });
}

async function alertStatus(id: string, want?: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await herald.request('GET', `/v1/alerts/${id}`);
    if (!want ? !['queued'].includes(body.status) : body.status === want) return body;
    if (Date.now() > deadline) throw new Error(`alert ${id} stayed ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function post(type: string, printerId: number, timestampIso: string, title = `${type} at ${timestampIso}`) {
  const response = await herald.request('POST', '/v1/alerts', {
    type,
    title,
    message: 'm',
    printer_id: printerId,
    timestamp: seconds(timestampIso),
  });
  expect(response.status).toBe(202);
  return response.body.id as string;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  herald = await startHarness({ now: () => clockMs });
  for (const type of ['discord', 'slack', 'generic']) {
    expect((await herald.request('POST', '/v1/webhooks', { name: type, url: receiver.url(`/qh/${type}`), type })).status).toBe(201);
  }
  expect(
    (
      await herald.request('POST', '/v1/webhooks', {
        name: 'failures',
        url: receiver.url('/qh/failures'),
        type: 'generic',
        alert_types: ['print_failed'],
      })
    ).status,
  ).toBe(201);
});

afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

describe('quiet hours settings', () => {
  test('invalid times and zones are refused naming the field', async () => {
    const bad = await herald.request('PUT', '/v1/settings/quiet-hours', {
      enabled: true,
      start: '25:00',
      end: '07:00',
      timezone: 'Mars/Olympus',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['start', 'timezone']);
    const same = await herald.request('PUT', '/v1/settings/quiet-hours', { enabled: true, start: '07:00', end: '07:00' });
    expect(same.status).toBe(400);
    expect(same.body.errors[0].field).toBe('end');
  });
});

describe('overnight window in Europe/Berlin across the end of summer time', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const put = await herald.request('PUT', '/v1/settings/quiet-hours', {
      enabled: true,
      start: '22:00',
      end: '07:00',
      timezone: 'Europe/Berlin',
      digest: true,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ enabled: true, start: '22:00', end: '07:00', timezone: 'Europe/Berlin', bypass_severities: [] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    clockMs = utc('2026-10-25T07:30:00Z');
    ids.before = await post('print_complete', 1, '2026-10-24T19:59:00Z'); // 21:59 CEST: outside
    ids.evening = await post('print_failed', 1, '2026-10-24T21:30:00Z'); // 23:30 CEST: inside
    ids.night = await post('spool_low', 1, '2026-10-25T01:30:00Z'); // 02:30 CET (after the switch): inside
    ids.morning = await post('printer_error', 1, '2026-10-25T05:30:00Z'); // 06:30 CET: inside
    ids.after = await post('job_approved', 1, '2026-10-25T06:30:00Z'); // 07:30 CET: outside
  });

  test('alerts inside are suppressed and say why; alerts outside are delivered', async () => {
    for (const key of ['evening', 'night', 'morning']) {
      const alert = await alertStatus(ids[key] as string, 'suppressed');
      expect(alert.status_reason).toMatch(/quiet hours.*22:00.07:00 Europe\/Berlin/);
      expect(alert.deliveries).toEqual([]);
    }
    for (const key of ['before', 'after']) expect((await alertStatus(ids[key] as string, 'delivered')).status).toBe('delivered');
  });

  test('after the window ends one digest per webhook summarizes exactly the held alerts, even with three digest processes', async () => {
    // The window ends at 07:00 CET = 06:00 UTC; the clock stands at 07:30 UTC.
    const results = await Promise.all([tick('p1'), tick('p2'), tick('p3')]);
    const dispatched = results.flatMap((r) => r.dispatched);
    expect(dispatched).toHaveLength(1);
    expect(dispatched[0]).toMatchObject({ scopeKey: 'system', alertCount: 3, deliveryCount: 4 });
    expect((await Promise.all([tick('p1'), tick('p2')])).flatMap((r) => r.dispatched)).toHaveLength(0);

    await receiver.waitFor((r) =>
      ['discord', 'slack', 'generic', 'failures'].every((t) =>
        r.some((x) => x.path === `/qh/${t}` && JSON.stringify(x.json).includes('igest')),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const digestsAt = (path: string) => receiver.requestsFor(path).filter((r) => JSON.stringify(r.json).includes('igest'));
    for (const path of ['/qh/discord', '/qh/slack', '/qh/generic', '/qh/failures']) expect(digestsAt(path)).toHaveLength(1);

    const generic = digestsAt('/qh/generic')[0]?.json as Record<string, any>;
    expect(generic).toMatchObject({
      type: 'quiet_hours_digest',
      scope: 'system',
      window_start: seconds('2026-10-24T20:00:00Z'),
      window_end: seconds('2026-10-25T06:00:00Z'),
      alert_count: 3,
      counts_by_type: { print_failed: 1, spool_low: 1, printer_error: 1 },
      counts_by_severity: { critical: 2, warning: 1, info: 0 },
      truncated: false,
    });
    expect(generic.alerts.map((a: { id: string }) => a.id)).toEqual([ids.morning, ids.evening, ids.night]);
    // The filtered webhook's digest holds only what it would have received.
    const failures = digestsAt('/qh/failures')[0]?.json as Record<string, any>;
    expect(failures.alert_count).toBe(1);
    expect(failures.alerts[0].id).toBe(ids.evening);

    const discord = digestsAt('/qh/discord')[0]?.json as Record<string, any>;
    expect(discord.embeds[0].title).toBe('Quiet hours digest: 3 alerts (22:00–07:00 Europe/Berlin)');
    expect(discord.embeds[0].color).toBe(16711680);
    expect(discord.embeds[0].footer).toEqual({ text: 'O.D.I.N. Alert' });
    const slack = digestsAt('/qh/slack')[0]?.json as Record<string, any>;
    expect(slack.blocks[0].type).toBe('header');
    expect(typeof slack.text).toBe('string');

    const held = await herald.context.database.prisma.alert.findMany({
      where: { id: { in: [ids.evening, ids.night, ids.morning] as string[] } },
    });
    expect(new Set(held.map((a) => a.digestId)).size).toBe(1);
    expect(held[0]?.digestId).not.toBeNull();
  });
});

describe('organization windows and crashed digest processes', () => {
  test("an organization's window decides for its alerts; the system window for the rest", async () => {
    const org = (await herald.request('POST', '/v1/orgs', { name: 'Night shift farm', enterprise: true })).body;
    await herald.request('PUT', '/v1/printers/50', { name: 'N-1', org_id: org.id });
    const put = await herald.request('PUT', `/v1/orgs/${org.id}/quiet-hours`, {
      enabled: true,
      start: '08:00',
      end: '12:00',
      timezone: 'UTC',
    });
    expect(put.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    clockMs = utc('2026-10-26T13:00:00Z');
    // 23:30 Berlin: system quiet, but the org's own window (08–12 UTC) is what counts for its printer.
    const orgNight = await post('print_complete', 50, '2026-10-25T22:30:00Z');
    const orgMorning = await post('print_complete', 50, '2026-10-26T09:00:00Z');
    const otherNight = await post('print_complete', 1, '2026-10-25T22:30:00Z');
    expect((await alertStatus(orgNight, 'delivered')).status).toBe('delivered');
    expect((await alertStatus(orgMorning, 'suppressed')).status_reason).toMatch(/org/);
    expect((await alertStatus(otherNight, 'suppressed')).status_reason).toMatch(/system/);
  });

  test('a digest claimed by a process that died is resumed, and still sent exactly once', async () => {
    const prisma = herald.context.database.prisma;
    const org = (await herald.request('POST', '/v1/orgs', { name: 'Crash farm', enterprise: true })).body;
    await herald.request('PUT', '/v1/printers/60', { name: 'C-1', org_id: org.id });
    await herald.request('POST', `/v1/orgs/${org.id}/webhooks`, { name: 'crash', url: receiver.url('/qh/crash'), type: 'generic' });
    await herald.request('PUT', `/v1/orgs/${org.id}/quiet-hours`, { enabled: true, start: '01:00', end: '02:00', timezone: 'UTC' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    clockMs = utc('2026-10-27T01:30:00Z');
    for (let i = 0; i < 60; i++)
      await post(i % 2 ? 'print_failed' : 'bed_cooled', 60, `2026-10-27T01:${String(i % 59).padStart(2, '0')}:00Z`, `crash ${i}`);
    const heldCount = () => prisma.alert.count({ where: { quietScope: `org:${org.id}`, status: 'suppressed' } });
    const deadline = Date.now() + 10_000;
    while ((await heldCount()) < 60 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await heldCount()).toBe(60);

    // A process claims the window and dies before dispatching it.
    clockMs = utc('2026-10-27T02:01:00Z');
    await prisma.digest.create({
      data: {
        scope: 'organization',
        scopeKey: `org:${org.id}`,
        orgId: org.id,
        windowStart: new Date(utc('2026-10-27T01:00:00Z')),
        windowEnd: new Date(utc('2026-10-27T02:00:00Z')),
        timezone: 'UTC',
        claimedBy: 'dead-process',
        claimedAt: new Date(clockMs),
      },
    });
    expect((await tick('alive')).dispatched.filter((d) => d.scopeKey === `org:${org.id}`)).toHaveLength(0);
    clockMs += 3 * 60_000;
    const resumed = (await Promise.all([tick('a'), tick('b'), tick('c')]))
      .flatMap((r) => r.dispatched)
      .filter((d) => d.scopeKey === `org:${org.id}`);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]?.alertCount).toBe(60);

    await receiver.waitFor((r) => r.some((x) => x.path === '/qh/crash'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const crash = receiver.requestsFor('/qh/crash');
    expect(crash).toHaveLength(1);
    const digest = crash[0]?.json as Record<string, any>;
    expect(digest).toMatchObject({
      type: 'quiet_hours_digest',
      scope: 'organization',
      org_id: org.id,
      alert_count: 60,
      truncated: true,
      counts_by_type: { print_failed: 30, bed_cooled: 30 },
    });
    expect(digest.alerts).toHaveLength(50);
    expect(digest.alerts.slice(0, 30).every((a: { severity: string }) => a.severity === 'critical')).toBe(true);
  });
});

describe('a window that held nothing', () => {
  test('sends an "all quiet" digest where digest_when_empty is set, and nothing where it is not', async () => {
    const prisma = herald.context.database.prisma;
    const quietFarm = (await herald.request('POST', '/v1/orgs', { name: 'All quiet farm', enterprise: true })).body;
    const silentFarm = (await herald.request('POST', '/v1/orgs', { name: 'Silent farm', enterprise: true })).body;
    for (const [org, path] of [
      [quietFarm, '/qh/all-quiet'],
      [silentFarm, '/qh/silent'],
    ] as const) {
      await herald.request('POST', `/v1/orgs/${org.id}/webhooks`, { name: path, url: receiver.url(path), type: 'generic' });
      const put = await herald.request('PUT', `/v1/orgs/${org.id}/quiet-hours`, {
        enabled: true,
        start: '03:00',
        end: '04:00',
        timezone: 'UTC',
        digest_when_empty: org === quietFarm,
      });
      expect(put.status).toBe(200);
      expect(put.body.digest_when_empty).toBe(org === quietFarm);
    }
    clockMs = utc('2026-10-28T04:01:00Z');
    const dispatched = (await tick('empty-windows')).dispatched.filter((d) =>
      [`org:${quietFarm.id}`, `org:${silentFarm.id}`].includes(d.scopeKey),
    );
    expect(dispatched.map((d) => ({ scopeKey: d.scopeKey, alertCount: d.alertCount }))).toEqual(
      expect.arrayContaining([
        { scopeKey: `org:${quietFarm.id}`, alertCount: 0 },
        { scopeKey: `org:${silentFarm.id}`, alertCount: 0 },
      ]),
    );

    await receiver.waitFor((r) => r.some((x) => x.path === '/qh/all-quiet'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const allQuiet = receiver.requestsFor('/qh/all-quiet');
    expect(allQuiet).toHaveLength(1);
    expect(allQuiet[0]?.json).toMatchObject({
      type: 'quiet_hours_digest',
      scope: 'organization',
      org_id: quietFarm.id,
      window_start: seconds('2026-10-28T03:00:00Z'),
      window_end: seconds('2026-10-28T04:00:00Z'),
      alert_count: 0,
      alerts: [],
    });
    expect(receiver.requestsFor('/qh/silent')).toHaveLength(0);
    const windows = await prisma.digest.findMany({ where: { orgId: { in: [quietFarm.id, silentFarm.id] } } });
    expect(Object.fromEntries(windows.map((d) => [d.scopeKey, d.status]))).toEqual({
      [`org:${quietFarm.id}`]: 'dispatched',
      [`org:${silentFarm.id}`]: 'empty',
    });
  });
});
